import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { retryDelayWithin } from '#shared/aws/deadline';

/** The document client as reads need it (a fake in unit tests). */
export type Documents = Pick<DynamoDBDocumentClient, 'send'>;

/**
 * Keys stayed unprocessed (DynamoDB throttled their partitions) after the last round, or the invocation had no time
 * for another: a read that may succeed in a moment (a 503, `shared/http/errors.ts`).
 */
export class UnprocessedKeysError extends Error {
  override name = 'UnprocessedKeysError';

  constructor(
    readonly unprocessed: number,
    operation = 'BatchGetItem',
  ) {
    super(`${operation} left ${unprocessed} keys unprocessed`);
  }
}

/** Keys per BatchGetItem, and deletes per BatchWriteItem: DynamoDB's limits. */
const BATCH_LIMIT = 100;
const WRITE_BATCH_LIMIT = 25;
const MAX_ROUNDS = 6;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Before round `round` of a batch call (the first is 0): waits a short full-jitter backoff, shortened to fit before
 * the invocation times out. Throws {@link UnprocessedKeysError} after the last round, or when there is no time left.
 */
const beforeRound = async (round: number, pending: number, operation: string, sleep: (ms: number) => Promise<void>) => {
  if (round >= MAX_ROUNDS) throw new UnprocessedKeysError(pending, operation);
  if (round === 0) return;
  // Shortened, or given up, so that the next round and the answer fit before the invocation times out.
  const delayMs = retryDelayWithin(Math.min(1000, 25 * 2 ** round * Math.random()));
  if (delayMs === undefined) throw new UnprocessedKeysError(pending, operation);
  await sleep(delayMs);
};

const keyId = (key: { PK: string; SK: string }) => `${key.PK}\n${key.SK}`;

/** Batch calls of one round sent at once, at most this many: a read of 1,000 keys waits for 3 round trips, not 10. */
const CALLS_IN_FLIGHT = 4;

const chunksOf = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Runs `work` on every chunk, `CALLS_IN_FLIGHT` at a time. After a failure no further chunk starts; the calls in
 * flight settle, then the first failure is thrown.
 */
const inFlight = async <T>(chunks: readonly T[], work: (chunk: T) => Promise<void>): Promise<void> => {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < chunks.length) {
      try {
        await work(chunks[next++]!);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLS_IN_FLIGHT, chunks.length) }, worker));
  if (failure) throw failure.error;
};

/** Items read by key; undefined for a key with no item. */
export interface ItemsByKey {
  get(key: { PK: string; SK: string }): Record<string, unknown> | undefined;
}

/**
 * Reads the items of `keys` (duplicates read once) in BatchGetItem calls of up to 100 keys. Unprocessed keys (a
 * throttled partition) are asked again with a short backoff, a few rounds at most, within the invocation's deadline.
 * @throws {@link UnprocessedKeysError} when keys stay unprocessed after the last round (or the time left)
 */
export const batchGetItems = async (
  client: Documents,
  table: string,
  keys: readonly { PK: string; SK: string }[],
  options: { consistent: boolean; projection?: string; sleep?: (ms: number) => Promise<void> },
): Promise<ItemsByKey> => {
  const sleep = options.sleep ?? realSleep;
  const found = new Map<string, Record<string, unknown>>();
  let pending = [...new Map(keys.map((k) => [keyId(k), { PK: k.PK, SK: k.SK }])).values()];
  for (let round = 0; pending.length > 0; round++) {
    await beforeRound(round, pending.length, 'BatchGetItem', sleep);
    const unprocessed: { PK: string; SK: string }[] = [];
    await inFlight(chunksOf(pending, BATCH_LIMIT), async (chunk) => {
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: chunk,
              ConsistentRead: options.consistent,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      for (const item of result.Responses?.[table] ?? []) {
        found.set(keyId(item as { PK: string; SK: string }), item);
      }
      unprocessed.push(...((result.UnprocessedKeys?.[table]?.Keys ?? []) as { PK: string; SK: string }[]));
    });
    pending = unprocessed;
  }
  return { get: (key) => found.get(keyId(key)) };
};

/** Every item of `keys` that exists, in no particular order (see {@link batchGetItems}). */
export const batchGetAll = async (
  client: Documents,
  table: string,
  keys: readonly { PK: string; SK: string }[],
  options: { consistent: boolean; projection?: string } = { consistent: true },
): Promise<Record<string, unknown>[]> => {
  const found = await batchGetItems(client, table, keys, options);
  const unique = [...new Map(keys.map((k) => [keyId(k), k])).values()];
  return unique.map((key) => found.get(key)).filter((item) => item !== undefined);
};

/** Every page of a Query. */
export const queryAll = async (client: Documents, input: QueryCommandInput): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
};

/**
 * Deletes the items of `keys` (items or their `PK` and `SK`) in BatchWriteItem calls of up to 25. Unprocessed deletes
 * (a throttled partition) are sent again like unprocessed reads (above); deleting an item that is gone already is no
 * error. Resolves to the number of keys.
 * @throws {@link UnprocessedKeysError} when deletes stay unprocessed after the last round (or the time left)
 */
export const batchDeleteItems = async (
  client: Documents,
  table: string,
  keys: readonly Record<string, unknown>[],
  sleep: (ms: number) => Promise<void> = realSleep,
): Promise<number> => {
  for (let i = 0; i < keys.length; i += WRITE_BATCH_LIMIT) {
    let pending = keys
      .slice(i, i + WRITE_BATCH_LIMIT)
      .map((key) => ({ DeleteRequest: { Key: { PK: key.PK, SK: key.SK } } }));
    for (let round = 0; pending.length > 0; round++) {
      await beforeRound(round, pending.length, 'BatchWriteItem', sleep);
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }
  return keys.length;
};
