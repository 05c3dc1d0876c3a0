import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Documents } from '#shared/db/batch';

/** Deletes per BatchWriteItem: DynamoDB's limit. */
const BATCH_LIMIT = 25;
const MAX_ROUNDS = 6;

/**
 * Deletes the items of `keys` (items or their `PK` and `SK`) in BatchWriteItem calls of up to 25. Unprocessed deletes (a throttled partition) are
 * sent again with a short backoff, a few rounds at most; deleting an item that is gone already is no error.
 * @throws Error when deletes stay unprocessed after the last round
 */
export const deleteItems = async (
  client: Documents,
  table: string,
  keys: readonly Record<string, unknown>[],
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<number> => {
  for (let i = 0; i < keys.length; i += BATCH_LIMIT) {
    let pending = keys.slice(i, i + BATCH_LIMIT).map((key) => ({ DeleteRequest: { Key: { PK: key.PK, SK: key.SK } } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new Error(`BatchWriteItem left ${pending.length} deletes unprocessed`);
      if (round > 0) await sleep(Math.min(1000, 25 * 2 ** round * Math.random()));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  return keys.length;
};
