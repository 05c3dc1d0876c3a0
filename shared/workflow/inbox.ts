import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inboxPartition } from '#shared/db/keys';
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

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * What waits for an approver (by email): their inbox entries whose stage is still open, the seat still theirs and
 * undecided. Filtered by form (a training's form) and batch when asked. Stages are read in batches of 100.
 */
export const listInbox = async (
  store: EngineStore,
  email: string,
  filter: { formId?: string; batch?: number },
): Promise<InboxEntry[]> => {
  const entries: InboxEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.db.send(
      new QueryCommand({
        TableName: store.table,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': inboxPartition(email) },
        ExclusiveStartKey: start,
      }),
    );
    entries.push(...((page.Items ?? []) as InboxEntry[]));
    start = page.LastEvaluatedKey;
  } while (start);
  const wanted = entries.filter(
    (e) => (!filter.formId || e.formId === filter.formId) && (filter.batch === undefined || e.batch === filter.batch),
  );
  const stages = new Map<string, StageItem>();
  const stageKey = (e: { submissionId: string; round: number; stageIndex: number }) =>
    `SUBMISSION#${e.submissionId}|STAGE#${String(e.round).padStart(2, '0')}#${String(e.stageIndex).padStart(2, '0')}`;
  const keys = [...new Set(wanted.map(stageKey))].map((k) => {
    const [PK, SK] = k.split('|');
    return { PK: PK!, SK: SK! };
  });
  for (const chunk of chunks(keys, 100)) {
    let request: Record<string, unknown>[] | undefined = chunk;
    // BatchGet may leave keys unprocessed under load; ask again for those.
    for (let attempt = 0; request?.length && attempt < 5; attempt++) {
      const answer = await store.db.send(
        new BatchGetCommand({ RequestItems: { [store.table]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of (answer.Responses?.[store.table] ?? []) as StageItem[])
        stages.set(`${item.PK}|${item.SK}`, item);
      request = answer.UnprocessedKeys?.[store.table]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return wanted
    .filter((e) => {
      const stage = stages.get(stageKey(e));
      const seat = stage?.seats.find((s) => s.seat === e.seat);
      return stage?.status === 'open' && seat?.email.toLowerCase() === email.toLowerCase() && !stage.votes[e.seat];
    })
    .map(
      ({
        submissionId,
        round,
        stageIndex,
        seat,
        stageName,
        formId,
        formTitle,
        officeCode,
        batch,
        openedAt,
        deadlineAt,
      }) => ({
        submissionId,
        round,
        stageIndex,
        seat,
        stageName,
        formId,
        formTitle,
        officeCode,
        ...(batch === undefined ? {} : { batch }),
        openedAt,
        ...(deadlineAt ? { deadlineAt } : {}),
      }),
    );
};
