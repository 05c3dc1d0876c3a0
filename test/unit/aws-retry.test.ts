import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { RetryErrorInfo } from '@smithy/types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadlineExceededError,
  invocationDeadline,
  remainingMs,
  retryDelayWithin,
  setInvocationContext,
} from '#shared/aws/deadline';
import { clientConfig, DeadlineRetryStrategy, DYNAMODB_RETRIES, MAIL_RETRIES } from '#shared/aws/retry';
import { batchGetItems, UnprocessedKeysError } from '#shared/db/batch';
import { problemOf } from '#shared/http/errors';

/** An invocation with `ms` left from now, counting down in real time. */
const invocationWith = (ms: number) => {
  const deadline = Date.now() + ms;
  setInvocationContext({ getRemainingTimeInMillis: () => deadline - Date.now() });
};

afterEach(() => setInvocationContext(undefined));

const info = (errorType: RetryErrorInfo['errorType']): RetryErrorInfo => ({ errorType });

describe('the invocation deadline', () => {
  it('is unlimited until an invocation records its context, and follows that context once recorded', async () => {
    expect(remainingMs()).toBe(Number.POSITIVE_INFINITY);
    const middleware = invocationDeadline();
    const request = { context: { getRemainingTimeInMillis: () => 4_321 } } as never;
    await middleware.before!(request);
    expect(remainingMs()).toBe(4_321);
    await middleware.after!(request);
    expect(remainingMs()).toBe(Number.POSITIVE_INFINITY);
    // A context without the method (a test's stub) sets no deadline.
    setInvocationContext({});
    expect(remainingMs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps 500 ms to answer and 1 s for the next attempt: waits are cut to fit, or refused', () => {
    expect(retryDelayWithin(800)).toBe(800);
    setInvocationContext({ getRemainingTimeInMillis: () => 2_000 });
    expect(retryDelayWithin(800)).toBe(500);
    expect(retryDelayWithin(100)).toBe(100);
    setInvocationContext({ getRemainingTimeInMillis: () => 1_499 });
    expect(retryDelayWithin(0)).toBeUndefined();
  });
});

describe('DeadlineRetryStrategy', () => {
  const strategy = new DeadlineRetryStrategy(DYNAMODB_RETRIES, () => 0.999);

  it('waits full jitter from 500 ms after throttling, 25 ms after transient errors, each wait at most 2 s', async () => {
    const waits = async (errorType: RetryErrorInfo['errorType']) => {
      const delays: number[] = [];
      let token = await strategy.acquireInitialRetryToken('');
      for (;;) {
        try {
          token = await strategy.refreshRetryTokenForRetry(token, info(errorType));
        } catch {
          return delays;
        }
        delays.push(token.getRetryDelay());
      }
    };
    // 4 attempts: 3 retries.
    expect(await waits('THROTTLING')).toEqual([499, 999, 1_998]);
    expect(await waits('TRANSIENT')).toEqual([24, 49, 99]);
    expect(await waits('CLIENT_ERROR')).toEqual([]);
    expect(await waits('SERVER_ERROR')).toEqual([]);
    const capped = new DeadlineRetryStrategy({ ...DYNAMODB_RETRIES, maxAttempts: 8 }, () => 0.999);
    let token = await capped.acquireInitialRetryToken('');
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      token = await capped.refreshRetryTokenForRetry(token, info('THROTTLING'));
      delays.push(token.getRetryDelay());
    }
    expect(Math.max(...delays)).toBe(1_998);
  });

  it('sends a mail that timed out only once (it may have gone out), and still retries a throttled one', async () => {
    const mail = new DeadlineRetryStrategy(MAIL_RETRIES, () => 0.5);
    const timedOut = { ...info('TRANSIENT'), error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }) };
    const first = await mail.acquireInitialRetryToken('');
    await expect(mail.refreshRetryTokenForRetry(first, timedOut as RetryErrorInfo)).rejects.toThrow();
    expect((await mail.refreshRetryTokenForRetry(first, info('THROTTLING'))).getRetryCount()).toBe(1);
    expect((await strategy.refreshRetryTokenForRetry(first, timedOut as RetryErrorInfo)).getRetryCount()).toBe(1);
  });

  it('cuts a wait to the time that leaves an attempt and the answer, and refuses when none is left', async () => {
    setInvocationContext({ getRemainingTimeInMillis: () => 2_100 });
    const token = await strategy.refreshRetryTokenForRetry(
      await strategy.acquireInitialRetryToken(''),
      info('THROTTLING'),
    );
    expect(token.getRetryDelay()).toBe(499);
    const next = await strategy.refreshRetryTokenForRetry(token, info('THROTTLING'));
    expect(next.getRetryDelay()).toBe(600);
    setInvocationContext({ getRemainingTimeInMillis: () => 1_400 });
    await expect(strategy.refreshRetryTokenForRetry(next, info('THROTTLING'))).rejects.toThrow(/no retry/);
  });
});

/** A DynamoDB endpoint that throttles every call (or never answers), counting the calls. */
let server: Server;
let endpoint: string;
let calls = 0;
let hang = false;
beforeAll(async () => {
  server = createServer((req, res) => {
    calls++;
    req.resume();
    if (hang) return;
    const body = JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'Throughput exceeds the current capacity of your table or index.',
    });
    res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('a DynamoDB client with clientConfig', () => {
  const client = () =>
    new DynamoDBClient({
      ...clientConfig(DYNAMODB_RETRIES),
      endpoint,
      region: 'ap-southeast-3',
      credentials: { accessKeyId: 'unit', secretAccessKey: 'unit' },
    });
  const get = () => new GetItemCommand({ TableName: 't', Key: { PK: { S: 'a' }, SK: { S: 'b' } } });
  const timed = async (send: () => Promise<unknown>) => {
    calls = 0;
    const started = performance.now();
    const error = await send().catch((e: unknown) => e);
    return { error: error as Error, ms: performance.now() - started, calls };
  };

  it('makes 4 attempts on a call that stays throttled, waiting at most 3.5 s, then throws the throttling error', async () => {
    const { error, ms, calls } = await timed(() => client().send(get()));
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(calls).toBe(4);
    expect(ms).toBeLessThan(3_500 + 500);
  });

  it('stops retrying in time to answer before the invocation times out', async () => {
    invocationWith(2_500);
    const { error, ms, calls } = await timed(() => client().send(get()));
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(calls).toBeGreaterThanOrEqual(1);
    // Every wait left 1.5 s: the last attempt started by 1 s into the 2.5 s and was answered at once.
    expect(ms).toBeLessThan(1_000 + 200);
  });

  it('sends nothing with less than the time to answer left', async () => {
    invocationWith(400);
    const { error, calls } = await timed(() => client().send(get()));
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect(calls).toBe(0);
    expect(problemOf(error)).toMatchObject({ problem: { status: 503 }, headers: { 'retry-after': '1' } });
  });

  it('abandons a request that gets no answer before the deadline, and says the outcome is unknown', async () => {
    hang = true;
    try {
      invocationWith(1_800);
      const { error, ms } = await timed(() => client().send(get()));
      expect(error.name).toBe('TimeoutError');
      expect(ms).toBeLessThan(1_800 - 400);
      const { problem, headers } = problemOf(error);
      expect(problem).toMatchObject({ status: 503, type: 'https://abdi.dev/problems/timeout' });
      expect(headers).toEqual({ 'retry-after': '1' });
    } finally {
      hang = false;
    }
  });
});

describe('batchGetItems', () => {
  const unprocessedForever = {
    send: async (command: { input: { RequestItems?: Record<string, { Keys?: unknown[] }> } }) => ({
      Responses: { t: [] },
      UnprocessedKeys: command.input.RequestItems,
    }),
  } as never;

  it('gives up with a 503 error when keys stay unprocessed, sooner when the invocation has no time left', async () => {
    const sleeps: number[] = [];
    const sleep = async (ms: number) => {
      sleeps.push(ms);
    };
    const keys = [{ PK: 'A', SK: 'B' }];
    const error = await batchGetItems(unprocessedForever, 't', keys, { consistent: true, sleep }).catch((e) => e);
    expect(error).toBeInstanceOf(UnprocessedKeysError);
    expect(sleeps).toHaveLength(5);
    expect(problemOf(error).problem.status).toBe(503);
    sleeps.length = 0;
    setInvocationContext({ getRemainingTimeInMillis: () => 1_000 });
    await expect(batchGetItems(unprocessedForever, 't', keys, { consistent: true, sleep })).rejects.toBeInstanceOf(
      UnprocessedKeysError,
    );
    expect(sleeps).toEqual([]);
  });
});

describe('problemOf', () => {
  it('answers 503 for an error whose cause was throttling (a wrapper such as a persistence-layer error)', () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    const wrapped = Object.assign(new Error('Failed to save in progress record', { cause: throttled }), {
      name: 'IdempotencyPersistenceLayerError',
    });
    expect(problemOf(wrapped)).toMatchObject({
      problem: { status: 503, type: 'https://abdi.dev/problems/busy' },
      headers: { 'retry-after': '1' },
    });
    expect(problemOf(new Error('bug')).problem.status).toBe(500);
  });
});

describe('batchGetItems of many keys', () => {
  const keys = Array.from({ length: 950 }, (_, i) => ({ PK: `UNIT#${i}`, SK: 'MONTH' }));

  it('reads 950 keys in 10 calls of at most 100, no more than 4 in flight, and finds every item', async () => {
    let inFlightNow = 0;
    let mostInFlight = 0;
    const sizes: number[] = [];
    const client = {
      send: async (command: { input: { RequestItems: Record<string, { Keys: { PK: string; SK: string }[] }> } }) => {
        const asked = command.input.RequestItems.t!.Keys;
        sizes.push(asked.length);
        mostInFlight = Math.max(mostInFlight, ++inFlightNow);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlightNow--;
        return { Responses: { t: asked.map((k) => ({ ...k, n: Number(k.PK.slice(5)) })) } };
      },
    } as never;
    const found = await batchGetItems(client, 't', keys, { consistent: true });
    expect(sizes.toSorted((a, b) => b - a)).toEqual([...Array(9).fill(100), 50]);
    expect(mostInFlight).toBe(4);
    expect(keys.every((k, i) => found.get(k)?.n === i)).toBe(true);
  });

  it('starts no further call after one fails, and throws that failure', async () => {
    let calls = 0;
    const client = {
      send: async () => {
        const call = ++calls;
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (call === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
        return { Responses: { t: [] } };
      },
    } as never;
    await expect(batchGetItems(client, 't', keys, { consistent: true })).rejects.toThrow('slow down');
    // The first four were in flight together; none started after the failure.
    expect(calls).toBe(4);
  });
});
