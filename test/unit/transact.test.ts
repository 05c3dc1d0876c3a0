import {
  type CancellationReason,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { setInvocationContext } from '#shared/aws/deadline';
import {
  ConditionFailedError,
  type TransactionClient,
  TransactionContentionError,
  type TransactionItem,
  TransactionShapeError,
  type TransactOptions,
  transact,
} from '#shared/db/transact';
import { ConflictError, isDomainError } from '#shared/errors';

const TABLE = 'abdi-test-Domain';

/** A client that answers each send with the next scripted outcome (an error to throw, or success). */
const scriptedClient = (outcomes: (Error | 'ok')[]) => {
  const sent: TransactWriteCommand[] = [];
  const client: TransactionClient = {
    send: async (command) => {
      sent.push(command);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw outcome;
      return {};
    },
  };
  return { client, sent };
};

const cancelled = (...reasons: CancellationReason[]) =>
  new TransactionCanceledException({
    message: `Transaction cancelled [${reasons.map((r) => r.Code).join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: reasons,
  });
const conflict = () => cancelled({ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing' });
const awsError = (name: string) => Object.assign(new Error(`${name} from the service`), { name });

/** Records waits instead of waiting. */
const fakeTime = (random: () => number = () => 0.5) => {
  const sleeps: number[] = [];
  const options: TransactOptions = {
    random,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { sleeps, options };
};

const registration: TransactionItem = {
  label: 'registration',
  put: { TableName: TABLE, Item: { PK: 'TRAINING#T1', SK: 'REG#01J', status: 'submitted' } },
};
const uniqueness: TransactionItem = {
  label: 'nip-uniqueness',
  put: {
    TableName: TABLE,
    Item: { PK: 'TRAINING#T1', SK: 'NIP#h4sh', registrationId: '01J' },
    ConditionExpression: 'attribute_not_exists(PK)',
  },
  onConditionFailed: ({ existing }) =>
    new ConflictError(`a registration for this NIP exists (${String(existing?.registrationId)})`),
};

describe('transact', () => {
  it('sends every item in one TransactWriteItems, asking for the old item where there is a condition', async () => {
    const { client, sent } = scriptedClient(['ok']);
    const result = await transact(client, [registration, uniqueness]);
    expect(result).toEqual({ attempts: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input.TransactItems).toEqual([
      { Put: (registration as { put: object }).put },
      { Put: { ...(uniqueness as { put: object }).put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ]);
  });

  it('retries TransactionConflict cancellations and commits once the conflict is gone', async () => {
    const { client, sent } = scriptedClient([conflict(), conflict(), 'ok']);
    const { sleeps, options } = fakeTime();
    const retries: string[] = [];
    const result = await transact(client, [registration, uniqueness], {
      ...options,
      onRetry: (retry) => retries.push(`${retry.attempt}:${retry.reason}`),
    });
    expect(result).toEqual({ attempts: 3 });
    expect(sent).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(retries).toEqual(['1:TransactionConflict', '2:TransactionConflict']);
  });

  it('stops at maxAttempts and reports contention, with the last cancellation as cause', async () => {
    const last = conflict();
    const { client, sent } = scriptedClient([conflict(), conflict(), conflict(), last, 'ok']);
    const { sleeps, options } = fakeTime();
    const error = await transact(client, [registration], { ...options, maxAttempts: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionContentionError);
    expect((error as TransactionContentionError).attempts).toBe(4);
    expect((error as Error).cause).toBe(last);
    expect(isDomainError(error)).toBe(false);
    expect(sent).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });

  it('makes 8 attempts by default', async () => {
    const { client, sent } = scriptedClient(Array.from({ length: 20 }, conflict));
    const { options } = fakeTime();
    await expect(transact(client, [registration], options)).rejects.toBeInstanceOf(TransactionContentionError);
    expect(sent).toHaveLength(8);
  });

  it('waits a random share of an exponential window that doubles from 25 ms and is capped at 1 s', async () => {
    const draws = [0.999, 0.5, 0, 0.999, 0.5, 0.999, 0.999];
    const { client } = scriptedClient(Array.from({ length: 8 }, conflict));
    const { sleeps, options } = fakeTime(() => draws.shift()!);
    await expect(transact(client, [registration], options)).rejects.toBeInstanceOf(TransactionContentionError);
    // Windows: 25, 50, 100, 200, 400, 800, then 1600 capped to 1000.
    expect(sleeps).toEqual([24, 25, 0, 199, 200, 799, 999]);
  });

  it('never waits longer than maxDelayMs, however many attempts', async () => {
    const { client } = scriptedClient(Array.from({ length: 30 }, conflict));
    const { sleeps, options } = fakeTime(() => 0.999_999);
    await expect(
      transact(client, [registration], { ...options, maxAttempts: 30, baseDelayMs: 10, maxDelayMs: 300 }),
    ).rejects.toBeInstanceOf(TransactionContentionError);
    expect(sleeps).toHaveLength(29);
    expect(Math.max(...sleeps)).toBe(299);
    expect(sleeps.slice(5).every((ms) => ms === 299)).toBe(true);
  });

  it('draws a different wait per retry from the random source (jitter)', async () => {
    const { client } = scriptedClient(Array.from({ length: 4 }, conflict));
    let seed = 7;
    const lcg = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const { sleeps, options } = fakeTime(lcg);
    await transact(client, [registration], { ...options, maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 1000 });
    // Same window each time (capped), so any spread comes from the jitter alone.
    expect(new Set(sleeps).size).toBe(4);
    expect(sleeps.every((ms) => ms >= 0 && ms < 1000)).toBe(true);
  });

  it('shortens its waits, then gives up, so that an attempt and the answer fit before the invocation times out', async () => {
    let left = 2_000;
    setInvocationContext({ getRemainingTimeInMillis: () => left });
    try {
      const { client, sent } = scriptedClient(Array.from({ length: 8 }, conflict));
      const sleeps: number[] = [];
      const options: TransactOptions = {
        random: () => 0.999,
        sleep: async (ms) => {
          sleeps.push(ms);
          left -= ms + 100;
        },
      };
      const error = await transact(client, [registration], options).catch((e: unknown) => e);
      // 1,500 ms are kept (500 to answer, 1,000 for one more attempt): the fourth wait (199) is cut to the 28 ms to
      // spare, and after the fifth attempt none is left.
      expect(sleeps).toEqual([24, 49, 99, 28]);
      expect(error).toBeInstanceOf(TransactionContentionError);
      expect(sent).toHaveLength(5);
    } finally {
      setInvocationContext(undefined);
    }
  });

  it('retries throttling, whether a cancellation reason or an error the SDK gave up on', async () => {
    const { client, sent } = scriptedClient([
      cancelled({ Code: 'ThrottlingError' }, { Code: 'None' }),
      cancelled({ Code: 'ProvisionedThroughputExceeded' }),
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
      awsError('ThrottlingException'),
      awsError('TransactionConflictException'),
      'ok',
    ]);
    const { options } = fakeTime();
    expect(await transact(client, [registration], options)).toEqual({ attempts: 6 });
    expect(sent).toHaveLength(6);
  });

  it("throws the failing item's domain error, built from the stored item, without retrying", async () => {
    const { client, sent } = scriptedClient([
      cancelled(
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { PK: { S: 'TRAINING#T1' }, SK: { S: 'NIP#h4sh' }, registrationId: { S: '01H-EARLIER' } },
        },
      ),
    ]);
    const { sleeps, options } = fakeTime();
    const error = await transact(client, [registration, uniqueness], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).kind).toBe('conflict');
    expect((error as Error).message).toBe('a registration for this NIP exists (01H-EARLIER)');
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('names the failing item in the default error when the item declares none', async () => {
    const counter: TransactionItem = {
      label: 'seat-counter',
      update: {
        TableName: TABLE,
        Key: { PK: 'TRAINING#T1', SK: 'SEATS' },
        UpdateExpression: 'ADD taken :one',
        ConditionExpression: 'taken < capacity',
        ExpressionAttributeValues: { ':one': 1 },
      },
    };
    const { client } = scriptedClient([
      cancelled(
        { Code: 'None' },
        {
          Code: 'ConditionalCheckFailed',
          Item: { PK: { S: 'TRAINING#T1' }, taken: { N: '30' }, capacity: { N: '30' } },
        },
      ),
    ]);
    const error = await transact(client, [registration, counter]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error).toMatchObject({ kind: 'conflict', index: 1, label: 'seat-counter' });
    expect((error as ConditionFailedError).existing).toEqual({ PK: 'TRAINING#T1', taken: 30, capacity: 30 });
    expect((error as Error).message).toContain('seat-counter');
  });

  it('reports a failed condition even when another item of the same attempt conflicted', async () => {
    const { client, sent } = scriptedClient([
      cancelled({ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' }),
    ]);
    const error = await transact(client, [registration, uniqueness]).catch((e: unknown) => e);
    expect((error as Error).message).toBe('a registration for this NIP exists (undefined)');
    expect(sent).toHaveLength(1);
  });

  it('rethrows an error that is not contention at once', async () => {
    const validation = awsError('ValidationException');
    const { client, sent } = scriptedClient([validation, 'ok']);
    const { sleeps, options } = fakeTime();
    await expect(transact(client, [registration], options)).rejects.toBe(validation);
    expect(sent).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('rethrows a cancellation whose reasons are not contention (an item grew too large) at once', async () => {
    const tooLarge = cancelled({ Code: 'ValidationError', Message: 'Item size has exceeded the maximum' });
    const { client, sent } = scriptedClient([tooLarge, 'ok']);
    await expect(transact(client, [registration], fakeTime().options)).rejects.toBe(tooLarge);
    expect(sent).toHaveLength(1);
  });

  it('refuses two actions on one item before sending anything, naming both', async () => {
    const { client, sent } = scriptedClient(['ok']);
    const sameItem: TransactionItem = {
      label: 'status-update',
      update: {
        TableName: TABLE,
        // Key attributes in another order: still the same item.
        Key: { SK: 'REG#01J', PK: 'TRAINING#T1' },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'approved' },
      },
    };
    await expect(transact(client, [registration, uniqueness, sameItem])).rejects.toThrow(
      new TransactionShapeError(
        'items registration and status-update act on the same item; an item may appear once per transaction',
      ),
    );
    expect(sent).toHaveLength(0);
  });

  it('accepts the same key in two tables, and finds duplicates by the key attributes it is told', async () => {
    const { client, sent } = scriptedClient(['ok', 'ok']);
    const elsewhere: TransactionItem = { put: { TableName: 'other', Item: { PK: 'TRAINING#T1', SK: 'REG#01J' } } };
    await transact(client, [registration, elsewhere]);
    expect(sent).toHaveLength(1);

    const record = (id: string, n: number): TransactionItem => ({
      put: { TableName: 'idempotency', Item: { id, n } },
    });
    const keyAttributes = { idempotency: ['id'] };
    await transact(client, [record('a', 1), record('b', 2)], { keyAttributes });
    await expect(transact(client, [record('a', 1), record('a', 2)], { keyAttributes })).rejects.toBeInstanceOf(
      TransactionShapeError,
    );
    await expect(transact(client, [record('a', 1)])).rejects.toThrow(/has no PK, SK/);
    expect(sent).toHaveLength(2);
  });

  it('refuses an empty transaction and one over 100 items', async () => {
    const { client, sent } = scriptedClient([]);
    await expect(transact(client, [])).rejects.toBeInstanceOf(TransactionShapeError);
    const many = Array.from(
      { length: 101 },
      (_, i): TransactionItem => ({ put: { TableName: TABLE, Item: { PK: `P#${i}`, SK: 'S' } } }),
    );
    await expect(transact(client, many)).rejects.toThrow(/at most 100 items, got 101/);
    expect(sent).toHaveLength(0);
  });
});
