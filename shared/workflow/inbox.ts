import { batchGetItems, queryAll } from '#shared/db/batch';
import { inboxPartition, stageKeys } from '#shared/db/keys';
import type { EngineStore, StageItem } from './state.ts';

/** A seat waiting for the caller's decision. */
export interface InboxEntry {
  submissionId: string;
  round: number;
  stageIndex: number;
  seat: string;
  stageName: string;
  formId: string;
  formTitle: string;
  officeCode: string;
  batch?: number;
  openedAt: string;
  deadlineAt?: string;
}

/**
 * What waits for an approver (by email): their inbox entries whose stage is still open, the seat still theirs and
 * undecided. Filtered by form (a training's form) and batch when asked.
 */
export const listInbox = async (
  store: EngineStore,
  email: string,
  filter: { formId?: string; batch?: number },
): Promise<InboxEntry[]> => {
  const entries = (await queryAll(store.db, {
    TableName: store.table,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': inboxPartition(email) },
  })) as unknown as (InboxEntry & { PK: string; SK: string })[];
  const wanted = entries.filter(
    (e) => (!filter.formId || e.formId === filter.formId) && (filter.batch === undefined || e.batch === filter.batch),
  );
  const stageKey = (e: InboxEntry) => stageKeys(e.submissionId, e.round, e.stageIndex);
  const stages = await batchGetItems(store.db, store.table, wanted.map(stageKey), { consistent: true });
  return wanted
    .filter((e) => {
      const stage = stages.get(stageKey(e)) as StageItem | undefined;
      const seat = stage?.seats.find((s) => s.seat === e.seat);
      return stage?.status === 'open' && seat?.email.toLowerCase() === email.toLowerCase() && !stage.votes[e.seat];
    })
    .map((e) => ({
      submissionId: e.submissionId,
      round: e.round,
      stageIndex: e.stageIndex,
      seat: e.seat,
      stageName: e.stageName,
      formId: e.formId,
      formTitle: e.formTitle,
      officeCode: e.officeCode,
      ...(e.batch === undefined ? {} : { batch: e.batch }),
      openedAt: e.openedAt,
      ...(e.deadlineAt ? { deadlineAt: e.deadlineAt } : {}),
    }));
};
