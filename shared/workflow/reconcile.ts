import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#shared/aws/clients';
import { workflowSignalPartition } from '#shared/db/keys';
import type { CheckResult, ReconcilerCheck, ReconcilerContext } from '#shared/reconciler/index';
import { clearSignalMarker } from './decide.ts';
import { type EngineDeps, finalize } from './engine.ts';
import { executionStatus, signalTask, startApproval, stopApproval } from './signals.ts';
import { type RequestItem, readStage, type StageItem } from './state.ts';

/** A marker younger than this belongs to a request still finishing its own signal. */
export const WORKFLOW_SIGNAL_GRACE_MS = 2 * 60_000;
const PAGE_SIZE = 25;

type Repair = 'repaired' | 'waiting' | 'failed';

/**
 * Repairs what a crash (or an outage of Step Functions) between a commit and its signal leaves. Every such commit
 * sets a GSI3 marker on the item owing the signal, cleared once the signal went out; this check reads the markers
 * older than the grace period:
 * - a submission never started (or resubmitted without the machine told): start it, or answer its resubmit token;
 * - a stage closed but not signalled: answer its task token;
 * - a withdrawn request whose execution still waits: fail its task with `Withdrawn`; an execution that outlived its
 *   request (nothing left to answer) is stopped and the request finalized here.
 */
export const reconcileWorkflowSignals = async (context: ReconcilerContext, deps: EngineDeps): Promise<CheckResult> => {
  const result: CheckResult = { found: 0, repaired: 0, failed: 0 };
  const bound = new Date(context.now().getTime() - WORKFLOW_SIGNAL_GRACE_MS).toISOString();
  let cursor: Record<string, unknown> | undefined;
  do {
    if (result.found >= context.maxItems || context.timeLeftMs() < 10_000) return result;
    const page: QueryCommandOutput = await deps.db.send(
      new QueryCommand({
        TableName: deps.table,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :partition AND GSI3SK < :bound',
        ExpressionAttributeValues: { ':partition': workflowSignalPartition(), ':bound': bound },
        Limit: Math.min(PAGE_SIZE, context.maxItems - result.found),
        ExclusiveStartKey: cursor,
      }),
    );
    for (const item of page.Items ?? []) {
      result.found++;
      try {
        const outcome =
          item.entity === 'stage'
            ? await repairStage(deps, item as unknown as StageItem)
            : await repairRequest(deps, item as unknown as RequestItem);
        if (outcome === 'repaired') result.repaired++;
        if (outcome === 'failed') result.failed++;
      } catch (error) {
        result.failed++;
        context.log.warn('workflow repair failed', { item: String(item.SK), error: (error as Error).name });
      }
    }
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return result;
};

const clear = (deps: EngineDeps, item: { PK: string; SK: string; GSI3SK?: string }) =>
  clearSignalMarker(deps, { PK: item.PK, SK: item.SK }, item.GSI3SK ?? '');

const repairStage = async (deps: EngineDeps, stage: StageItem): Promise<Repair> => {
  // No token yet: the waiting task has not stored one, and will answer itself when it finds the stage closed.
  if (!stage.taskToken) return 'waiting';
  await signalTask(stage.taskToken, { kind: 'success' });
  await clear(deps, stage);
  return 'repaired';
};

const repairRequest = async (deps: EngineDeps, request: RequestItem): Promise<Repair> => {
  if (request.status === 'submitted' && request.round === 1) {
    // The machine's first step clears the marker; until then, start it (a second start is a no-op).
    if ((await startApproval(request.id)) === 'started') return 'repaired';
    return (await executionStatus(request.id)) === 'RUNNING' ? 'waiting' : 'failed';
  }
  if (request.status === 'submitted' && request.resubmitToken) {
    await signalTask(request.resubmitToken, { kind: 'success' });
    await clear(deps, request);
    return 'repaired';
  }
  if (request.status === 'withdrawn') {
    const stage =
      request.stageIndex === undefined
        ? undefined
        : await readStage(deps, request.id, request.round, request.stageIndex);
    const token = stage?.status === 'open' ? stage.taskToken : request.resubmitToken;
    const answered = token ? await signalTask(token, { kind: 'failure', error: 'Withdrawn' }) : 'already';
    if (answered === 'already' && (await executionStatus(request.id)) === 'RUNNING' && !request.finalizedAt) {
      // Nothing it waits on can be answered: the execution outlived its request.
      await stopApproval(request.id, 'The request was withdrawn');
      await finalize(deps, request);
    }
    await clear(deps, request);
    return 'repaired';
  }
  // Moved on since (the machine's own step settled it): nothing owed.
  await clear(deps, request);
  return 'waiting';
};

/** The reconciler check for approval signals, on the function's table. */
export const workflowSignalsOwed: ReconcilerCheck = {
  name: 'workflow-signals-owed',
  run: (context) => reconcileWorkflowSignals(context, { db: documents, table: tableName(), now: () => context.now() }),
};
