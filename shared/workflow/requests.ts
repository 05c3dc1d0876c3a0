import { stageKeys, workflowSignalMarker } from '#shared/db/keys';
import { ConditionFailedError, type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, InvalidError } from '#shared/errors';
import { compileForm } from '#shared/forms/definition';
import { readFormFields } from '#shared/forms/forms';
import type * as z from '#shared/zod';
import type { AuditEntry, StageView } from './contracts.ts';
import { signalAfterCommit } from './decide.ts';
import { readDefinition } from './definitions.ts';
import type { EngineDeps } from './engine.ts';
import { hooksFor } from './hooks.ts';
import {
  auditPut,
  type EngineStore,
  type RequestItem,
  readPartition,
  readRequest,
  readStage,
  ruleText,
  type StageItem,
  submissionKey,
} from './state.ts';

/** What the requester's office does to a request in flight: withdraw it, or resubmit it after changes were asked. */

const STATUS_TEXT: Record<string, string> = {
  approved: 'sudah disetujui',
  rejected: 'sudah ditolak',
  withdrawn: 'sudah ditarik',
  in_approval: 'sedang dalam persetujuan',
  submitted: 'baru diajukan',
  changes_requested: 'menunggu perbaikan',
};

class Stale extends Error {}
const stale = () => new Stale();

const retrying = async <T>(step: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (failure) {
      if (!(failure instanceof Stale || failure instanceof ConditionFailedError) || attempt >= 8) throw failure;
    }
  }
};

/**
 * Withdraws a request in approval (or waiting for changes, or not yet started): a conditional update, then a
 * `Withdrawn` failure on the task the machine waits on, so the machine's own step runs the hooks and emails. A
 * withdrawal that loses the race to the final decision is a conflict.
 */
export const withdraw = async (
  deps: EngineDeps,
  request: RequestItem,
  by: { name: string },
  reason: string | undefined,
): Promise<void> => {
  let current = request;
  const signal = await retrying(async () => {
    if (!['in_approval', 'changes_requested', 'submitted'].includes(current.status)) {
      throw new ConflictError(`Pengajuan ini ${STATUS_TEXT[current.status] ?? current.status}; tidak dapat ditarik.`);
    }
    const now = deps.now();
    const at = now.toISOString();
    const stage =
      current.status === 'in_approval' && current.stageIndex !== undefined
        ? await readStage(deps, current.id, current.round, current.stageIndex)
        : undefined;
    const token = current.status === 'in_approval' ? stage?.taskToken : current.resubmitToken;
    const marker = workflowSignalMarker(at, submissionKey(current.id));
    const entries: TransactionItem[] = [
      {
        update: {
          TableName: deps.table,
          Key: submissionKey(current.id),
          UpdateExpression:
            'SET #status = :withdrawn, updatedAt = :at, outcomeReason = :reason, GSI3PK = :markerPk, GSI3SK = :markerSk',
          ConditionExpression: `#status = :from AND round = :round AND ${
            current.resubmitToken ? 'resubmitToken = :token' : 'attribute_not_exists(resubmitToken)'
          }`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':withdrawn': 'withdrawn',
            ':at': at,
            ':reason': `Ditarik oleh ${by.name}${reason ? `: ${reason}` : ''}.`,
            ':markerPk': marker.GSI3PK,
            ':markerSk': marker.GSI3SK,
            ':from': current.status,
            ':round': current.round,
            ...(current.resubmitToken ? { ':token': current.resubmitToken } : {}),
          },
        },
        onConditionFailed: stale,
      },
      // The token read is the stage's current one: a newer token moves the stage's version.
      ...(stage
        ? [
            {
              conditionCheck: {
                TableName: deps.table,
                Key: stageKeys(current.id, stage.round, stage.stageIndex),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': stage.version },
              },
              onConditionFailed: stale,
            } satisfies TransactionItem,
          ]
        : []),
      auditPut(
        deps.table,
        current.id,
        { event: 'withdrawn', actor: by.name, round: current.round, comment: reason },
        now,
      ),
    ];
    try {
      await transact(deps.db, entries);
    } catch (failure) {
      current = await readRequest(deps, current.id);
      throw failure;
    }
    return { token, markerSk: marker.GSI3SK };
  });
  if (signal.token) {
    await signalAfterCommit(
      deps,
      submissionKey(request.id),
      signal.token,
      { kind: 'failure', error: 'Withdrawn' },
      signal.markerSk,
    );
  }
};

/**
 * Resubmits edited values after "request changes": validated against the form version the submission pinned, a new
 * round from the first or the current stage (per the definition). Old links die: they belong to an older round.
 */
export const resubmit = async (
  deps: EngineDeps,
  request: RequestItem,
  values: Record<string, unknown>,
  by: { name: string },
): Promise<void> => {
  const now = deps.now();
  const parsed = compileForm(await readFormFields(deps, request.formId, request.formVersion), () => now).safeParse(
    values,
  );
  if (!parsed.success) {
    throw new InvalidError('Isian formulir tidak valid', {
      errors: parsed.error.issues.map((issue) => ({
        field: ['values', ...issue.path.map(String)].join('.'),
        message: issue.code === 'unrecognized_keys' ? `kolom tidak dikenal: ${issue.keys.join(', ')}` : issue.message,
      })),
    });
  }
  const definition = await readDefinition(deps, request.workflowId!, request.workflowVersion!);
  let current = request;
  const signal = await retrying(async () => {
    if (current.status !== 'changes_requested') {
      throw new ConflictError(
        `Pengajuan ini ${STATUS_TEXT[current.status] ?? current.status}; tidak menunggu perbaikan.`,
      );
    }
    if (current.round >= definition.maxRounds) throw new ConflictError('Batas putaran pengajuan ulang sudah tercapai.');
    const at = deps.now().toISOString();
    const next = current.round + 1;
    const marker = workflowSignalMarker(at, submissionKey(current.id));
    const hookItems =
      (await (
        await hooksFor(current.hooks)
      ).onResubmit?.(
        {
          id: current.id,
          formId: current.formId,
          officeCode: current.officeCode,
          submittedBy: current.submittedBy,
          values: parsed.data as Record<string, unknown>,
          round: next,
        },
        current.values,
        now,
      )) ?? [];
    try {
      await transact(deps.db, [
        {
          update: {
            TableName: deps.table,
            Key: submissionKey(current.id),
            UpdateExpression:
              'SET #status = :submitted, #values = :values, round = :next, startIndex = :start, updatedAt = :at, ' +
              'GSI3PK = :markerPk, GSI3SK = :markerSk REMOVE outcomeComment, resubmitBy',
            ConditionExpression: `#status = :waiting AND round = :round AND ${
              current.resubmitToken ? 'resubmitToken = :token' : 'attribute_not_exists(resubmitToken)'
            }`,
            ExpressionAttributeNames: { '#status': 'status', '#values': 'values' },
            ExpressionAttributeValues: {
              ':submitted': 'submitted',
              ':values': parsed.data,
              ':next': next,
              ':start': definition.restartFrom === 'first' ? 0 : (current.stageIndex ?? 0),
              ':at': at,
              ':markerPk': marker.GSI3PK,
              ':markerSk': marker.GSI3SK,
              ':waiting': 'changes_requested',
              ':round': current.round,
              ...(current.resubmitToken ? { ':token': current.resubmitToken } : {}),
            },
          },
          onConditionFailed: stale,
        },
        ...hookItems,
        auditPut(deps.table, current.id, { event: 'resubmitted', actor: by.name, round: next }, now),
      ]);
    } catch (failure) {
      current = await readRequest(deps, current.id);
      throw failure;
    }
    return { token: current.resubmitToken, markerSk: marker.GSI3SK };
  });
  if (signal.token) {
    await signalAfterCommit(deps, submissionKey(request.id), signal.token, { kind: 'success' }, signal.markerSk);
  }
};

type Stage = z.infer<typeof StageView>;
type Audit = z.infer<typeof AuditEntry>;

const stageView = (item: StageItem): Stage => ({
  round: item.round,
  stageIndex: item.stageIndex,
  name: item.name,
  status: item.status,
  rule: ruleText(item.rule, item.seats.length),
  seats: item.seats.map((seat) => ({
    seat: seat.seat,
    name: seat.name,
    ...(seat.delegatedFrom ? { delegatedFrom: seat.delegatedFrom } : {}),
    ...(item.votes[seat.seat] ? { vote: item.votes[seat.seat] } : {}),
  })),
  openedAt: item.openedAt,
  ...(item.reminderAt ? { reminderAt: item.reminderAt } : {}),
  ...(item.deadlineAt ? { deadlineAt: item.deadlineAt } : {}),
  ...(item.closedAt ? { closedAt: item.closedAt } : {}),
  escalated: item.escalated,
  ...(item.reason ? { reason: item.reason } : {}),
});

const AUDIT_FIELDS = [
  'at',
  'event',
  'actor',
  'round',
  'stage',
  'decision',
  'comment',
  'detail',
  'ipHash',
  'userAgentHash',
];

/** Where a request stands: its stages round by round and its audit trail, both in order (two Queries). */
export const progress = async (
  store: EngineStore,
  request: RequestItem,
): Promise<{ status: string; round: number; stages: Stage[]; audit: Audit[] }> => {
  const [stages, audit] = await Promise.all([
    readPartition(store, request.id, 'STAGE#'),
    readPartition(store, request.id, 'AUDIT#'),
  ]);
  return {
    status: request.status,
    round: request.round,
    stages: stages.map((item) => stageView(item as unknown as StageItem)),
    audit: audit.map(
      (item) => Object.fromEntries(AUDIT_FIELDS.filter((f) => item[f] !== undefined).map((f) => [f, item[f]])) as Audit,
    ),
  };
};
