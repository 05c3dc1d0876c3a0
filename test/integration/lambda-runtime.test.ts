import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createClock } from '#infra/local/clock';
import { LambdaRuntime, ResourceNotFoundException } from '#infra/local/lambda/pool';
import type { FaultPlan, FunctionSpec, InvokeResult, LogSink } from '#infra/local/types';

const FIXTURES = fileURLToPath(new URL('../fixtures/lambda/', import.meta.url));
const ARN_PREFIX = 'arn:aws:lambda:ap-southeast-3:000000000000:function:';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A function as template.ts would describe it, running one of the hand-written fixture bundles. */
const spec = (logicalId: string, fixture: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  logicalId,
  functionName: `abdi-test-${logicalId}`,
  arn: `${ARN_PREFIX}abdi-test-${logicalId}`,
  assetDir: path.join(FIXTURES, fixture),
  handler: 'index.handler',
  runtime: 'nodejs24.x',
  architecture: 'arm64',
  timeoutSeconds: 5,
  memoryMb: 256,
  environment: {},
  ...overrides,
});

type LogEntry = Parameters<LogSink['write']>[0];
const logEntries: LogEntry[] = [];
const logs: LogSink = { write: (entry) => logEntries.push(entry) };
const linesOf = (functionName: string, stream: LogEntry['stream']) =>
  logEntries.filter((entry) => entry.functionName === functionName && entry.stream === stream).map((e) => e.line);

const faults: FaultPlan = {
  dynamodb: { transactionConflictRate: 0, throttleRate: 0 },
  ses: { failureRate: 0 },
  lambda: { throwOnce: new Set() },
  sfn: { unavailable: new Set() },
};
const clock = createClock();
const runtimeEnv = {
  AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
  AWS_ACCESS_KEY_ID: 'lambda-runtime-test',
  AWS_SECRET_ACCESS_KEY: 'local',
};

const runtime = new LambdaRuntime({
  functions: [
    spec('Alpha', 'inspect', { environment: { TABLE_NAME: 'alpha-table', OFFICE_NAME: 'BKPSDM Kota Bogor' } }),
    spec('Beta', 'inspect', { environment: { TABLE_NAME: 'beta-table' }, memoryMb: 1024 }),
    spec('Context', 'inspect', { memoryMb: 512 }),
    spec('Resolved', 'inspect'),
    spec('Counter', 'counter'),
    spec('Slow', 'counter', { timeoutSeconds: 1 }),
    spec('Faulty', 'counter'),
    spec('Clock', 'clock'),
    spec('Logs', 'logs'),
    spec('Failing', 'failing'),
    spec('Crashing', 'failing'),
    spec('InitError', 'init-error'),
    spec('MissingHandler', 'counter', { handler: 'index.missing' }),
    spec('CallbackHandler', 'failing', { handler: 'index.callbackHandler' }),
    spec('Mapped', 'source-maps', { environment: { NODE_OPTIONS: '--enable-source-maps' } }),
    spec('Unmapped', 'source-maps'),
  ],
  clock,
  faults,
  logs,
  runtimeEnv,
});

afterAll(() => runtime.stop());

const payloadOf = <T>(result: InvokeResult): T => {
  if (!result.ok) throw new Error(`expected success, got ${result.errorType}: ${result.errorMessage}`);
  return result.payload as T;
};
const failureOf = (result: InvokeResult) => {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.payload)}`);
  return result;
};

interface Inspection {
  env: Record<string, string>;
  timeZone: string;
  context: Record<string, unknown>;
  remainingAtStart: number;
  remainingAtEnd: number;
}
interface Count {
  threadId: number;
  invocation: number;
}

describe('sandboxes', () => {
  it('gives each function its own environment: template variables, Lambda reserved variables, then the runtime ones', async () => {
    process.env.ONLY_IN_THE_PARENT = 'leaked';
    try {
      const [alphaResult, betaResult] = await Promise.all([runtime.invoke('Alpha', {}), runtime.invoke('Beta', {})]);
      const alpha = payloadOf<Inspection>(alphaResult).env;
      const beta = payloadOf<Inspection>(betaResult).env;

      expect(alpha).toMatchObject({ TABLE_NAME: 'alpha-table', OFFICE_NAME: 'BKPSDM Kota Bogor' });
      expect(beta.TABLE_NAME).toBe('beta-table');
      expect(beta).not.toHaveProperty('OFFICE_NAME');
      expect(alpha).not.toHaveProperty('ONLY_IN_THE_PARENT');
      expect(alpha).toMatchObject({
        AWS_LAMBDA_FUNCTION_NAME: 'abdi-test-Alpha',
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'ap-southeast-3',
        AWS_DEFAULT_REGION: 'ap-southeast-3',
        AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/abdi-test-Alpha',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        LAMBDA_TASK_ROOT: path.join(FIXTURES, 'inspect'),
        TZ: ':UTC',
        ...runtimeEnv,
      });
      expect(alpha.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(beta).toMatchObject({
        AWS_LAMBDA_FUNCTION_NAME: 'abdi-test-Beta',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
      });
    } finally {
      delete process.env.ONLY_IN_THE_PARENT;
    }
  });

  it('runs concurrent invocations in separate sandboxes and reuses a warm one for the next', async () => {
    const concurrent = await Promise.all([
      runtime.invoke('Counter', { holdMs: 100 }),
      runtime.invoke('Counter', { holdMs: 100 }),
    ]);
    const first = payloadOf<Count>(concurrent[0]);
    const second = payloadOf<Count>(concurrent[1]);

    expect(first.threadId).not.toBe(second.threadId);
    expect([first.invocation, second.invocation]).toEqual([1, 1]);

    const third = payloadOf<Count>(await runtime.invoke('Counter', {}));
    expect([first.threadId, second.threadId]).toContain(third.threadId);
    expect(third.invocation).toBe(2);
    expect(runtime.stats()['abdi-test-Counter']).toEqual({
      workers: 2,
      busy: 0,
      queued: 0,
      invocations: 3,
      coldStarts: 2,
    });
  });

  describe('with one sandbox per function', () => {
    const single = new LambdaRuntime({
      functions: [spec('Queued', 'counter'), spec('QueuedCrash', 'failing')],
      clock,
      faults,
      logs,
      runtimeEnv,
      maxWorkersPerFunction: 1,
    });
    afterAll(() => single.stop());

    it('queues invocations beyond maxWorkersPerFunction and serves them in order', async () => {
      const pending = [1, 2, 3].map(() => single.invoke('Queued', { holdMs: 50 }));
      expect(single.stats()['abdi-test-Queued']).toMatchObject({ workers: 1, queued: 2 });

      const counts = (await Promise.all(pending)).map((result) => payloadOf<Count>(result));
      expect(counts.map((count) => count.invocation)).toEqual([1, 2, 3]);
      expect(new Set(counts.map((count) => count.threadId)).size).toBe(1);
    });

    it('starts a fresh sandbox for a queued invocation when the busy one crashes', async () => {
      const [crashed, queued] = await Promise.all([
        single.invoke('QueuedCrash', { kind: 'exit' }),
        single.invoke('QueuedCrash', { kind: 'date' }),
      ]);

      expect(failureOf(crashed).errorType).toBe('Runtime.ExitError');
      expect(payloadOf(queued)).toEqual({ at: '1970-01-01T00:00:00.000Z' });
      expect(single.stats()['abdi-test-QueuedCrash']).toMatchObject({ workers: 1, queued: 0, coldStarts: 2 });
    });
  });
});

describe('context', () => {
  it('passes the handler a full Lambda context whose remaining time counts down from the timeout', async () => {
    const result = await runtime.invoke('Context', { holdMs: 200 });
    const { context, remainingAtStart, remainingAtEnd } = payloadOf<Inspection>(result);

    expect(context).toEqual({
      functionName: 'abdi-test-Context',
      functionVersion: '$LATEST',
      invokedFunctionArn: `${ARN_PREFIX}abdi-test-Context`,
      memoryLimitInMB: '512',
      awsRequestId: result.requestId,
      logGroupName: '/aws/lambda/abdi-test-Context',
      logStreamName: expect.stringMatching(/\[\$LATEST\][0-9a-f]{32}$/),
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(result.requestId).toMatch(UUID);
    expect(remainingAtStart).toBeGreaterThan(4_500);
    expect(remainingAtStart).toBeLessThanOrEqual(5_000);
    expect(remainingAtStart - remainingAtEnd).toBeGreaterThanOrEqual(190);

    const next = await runtime.invoke('Context', {});
    expect(payloadOf<Inspection>(next).context.awsRequestId).toBe(next.requestId);
    expect(next.requestId).not.toBe(result.requestId);
  });
});

describe('timeout', () => {
  it('fails a function over its timeout with Sandbox.Timedout and resets its sandbox', async () => {
    const first = payloadOf<Count>(await runtime.invoke('Slow', {}));

    const timedOut = failureOf(await runtime.invoke('Slow', { holdMs: 3_000 }));
    expect(timedOut.errorType).toBe('Sandbox.Timedout');
    expect(timedOut.errorMessage).toBe(`RequestId: ${timedOut.requestId} Error: Task timed out after 1.00 seconds`);
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(timedOut.durationMs).toBeLessThan(2_000);

    // A fresh sandbox: module state starts over.
    const after = payloadOf<Count>(await runtime.invoke('Slow', {}));
    expect(after.invocation).toBe(1);
    expect(after.threadId).not.toBe(first.threadId);
    expect(runtime.stats()['abdi-test-Slow']).toMatchObject({ workers: 1, coldStarts: 2 });
  });
});

describe('errors', () => {
  it('reports a thrown error by its name, as the Lambda runtime does, with message and stack', async () => {
    const failures = await Promise.all(
      ['error', 'typeError', 'unnamedSubclass', 'namedError'].map(async (kind) =>
        failureOf(await runtime.invoke('Failing', { kind })),
      ),
    );

    expect(failures.map(({ errorType, errorMessage }) => ({ errorType, errorMessage }))).toEqual([
      { errorType: 'Error', errorMessage: 'boom' },
      { errorType: 'TypeError', errorMessage: "Cannot read properties of null (reading 'missing')" },
      // The runtime reads `name`, which a subclass inherits from Error.prototype unless it sets its own.
      { errorType: 'Error', errorMessage: 'bad input' },
      { errorType: 'RegistrationClosed', errorMessage: 'the window closed at 17:00 WIB' },
    ]);
    expect(failures[3]?.trace[0]).toBe('RegistrationClosed: the window closed at 17:00 WIB');
    expect(failures[3]?.trace[1]).toMatch(/failing\/index\.mjs:\d+:\d+/);
  });

  it('reports a thrown non-Error by its type', async () => {
    const failure = failureOf(await runtime.invoke('Failing', { kind: 'string' }));

    expect(failure).toMatchObject({ errorType: 'string', errorMessage: 'plain string', trace: [] });
  });

  it('fails with Runtime.ExitError when the sandbox exits or crashes, and replaces the sandbox', async () => {
    const exited = failureOf(await runtime.invoke('Crashing', { kind: 'exit' }));
    const uncaught = failureOf(await runtime.invoke('Crashing', { kind: 'uncaught' }));
    const rejected = failureOf(await runtime.invoke('Crashing', { kind: 'unhandledRejection' }));

    expect(exited.errorType).toBe('Runtime.ExitError');
    expect(exited.errorMessage).toBe(`RequestId: ${exited.requestId} Error: Runtime exited with error: exit status 3`);
    for (const crash of [uncaught, rejected]) {
      expect(crash.errorType).toBe('Runtime.ExitError');
      expect(crash.errorMessage).toBe(`RequestId: ${crash.requestId} Error: Runtime exited with error: exit status 1`);
    }
    await vi.waitFor(() => {
      expect(linesOf('abdi-test-Crashing', 'stderr')).toEqual(
        expect.arrayContaining(['Error: thrown from a timer', 'Error: nobody awaited this']),
      );
    });

    expect(payloadOf(await runtime.invoke('Crashing', { kind: 'nothing' }))).toBeNull();
    expect(runtime.stats()['abdi-test-Crashing']).toMatchObject({ workers: 1, coldStarts: 4 });
  });

  it('answers the JSON of the result: undefined as null, and a result JSON cannot hold as Runtime.JSONStringifyError', async () => {
    expect(payloadOf(await runtime.invoke('Failing', { kind: 'nothing' }))).toBeNull();
    expect(payloadOf(await runtime.invoke('Failing', { kind: 'date' }))).toEqual({ at: '1970-01-01T00:00:00.000Z' });

    const unserializable = failureOf(await runtime.invoke('Failing', { kind: 'bigint' }));
    expect(unserializable).toMatchObject({
      errorType: 'Runtime.JSONStringifyError',
      errorMessage: 'Unable to stringify response body',
    });
  });

  it('fails the invocation with the init error Lambda reports when the bundle cannot start', async () => {
    const [thrown, missing, callback] = await Promise.all([
      runtime.invoke('InitError', {}),
      runtime.invoke('MissingHandler', {}),
      runtime.invoke('CallbackHandler', {}),
    ]);

    expect(failureOf(thrown)).toMatchObject({ errorType: 'TypeError', errorMessage: 'TABLE_NAME is not set' });
    expect(failureOf(missing)).toMatchObject({
      errorType: 'Runtime.HandlerNotFound',
      errorMessage: 'index.missing is undefined or not exported',
    });
    expect(failureOf(callback).errorType).toBe('Runtime.CallbackHandlerDeprecated');
    // A sandbox that failed its init is discarded, as on Lambda.
    expect(runtime.stats()['abdi-test-InitError']?.workers).toBe(0);
  });
});

describe('virtual clock', () => {
  it('shows handler code the virtual time, and follows the clock when it moves', async () => {
    interface Reading {
      loadedAt: number;
      now: number;
      iso: string;
      called: string;
      isDate: boolean;
      fromMs: string;
      utc: number;
      parsed: number;
      subclassed: number;
    }
    const virtual = Date.parse('2026-01-31T17:30:00Z');
    clock.set(virtual);

    const first = payloadOf<Reading>(await runtime.invoke('Clock', {}));
    for (const reading of [first.loadedAt, first.now, Date.parse(first.iso), first.subclassed]) {
      expect(Math.abs(reading - virtual)).toBeLessThan(1_000);
    }
    expect(first.called).toMatch(/^Sat Jan 31 2026 17:30:0\d GMT\+0000/);
    expect(first).toMatchObject({
      isDate: true,
      fromMs: '1970-01-01T00:00:00.000Z',
      utc: Date.UTC(2026, 0, 31),
      parsed: virtual,
    });

    // 1 March 2026, 00:00 WIB: the start of a reporting month in Jakarta.
    const moved = Date.parse('2026-02-28T17:00:00Z');
    clock.set(moved);
    const second = payloadOf<Reading>(await runtime.invoke('Clock', {}));
    expect(Math.abs(second.now - moved)).toBeLessThan(1_000);
    expect(Math.abs(Date.parse(second.iso) - moved)).toBeLessThan(1_000);
    expect(second.loadedAt).toBe(first.loadedAt);
  });
});

describe('fault injection', () => {
  it('fails the next invocation of a function in throwOnce before its handler runs, then runs it normally', async () => {
    faults.lambda.throwOnce.add('Faulty');

    const injected = failureOf(await runtime.invoke('abdi-test-Faulty', {}));
    expect(injected.errorType).toBe('Error');
    expect(injected.errorMessage).toMatch(/injected/i);
    expect(faults.lambda.throwOnce.has('Faulty')).toBe(false);

    // The handler never saw the failed invocation: its module counter starts at 1.
    expect(payloadOf<Count>(await runtime.invoke('abdi-test-Faulty', {})).invocation).toBe(1);

    faults.lambda.throwOnce.add('abdi-test-Faulty');
    expect(failureOf(await runtime.invoke('Faulty', {})).errorType).toBe('Error');
    expect(payloadOf<Count>(await runtime.invoke('Faulty', {})).invocation).toBe(2);
  });
});

describe('logs', () => {
  it('sends what a function prints to the log sink, line by line and stream by stream', async () => {
    payloadOf(await runtime.invoke('Logs', {}));

    await vi.waitFor(() => {
      expect(linesOf('abdi-test-Logs', 'stdout')).toEqual(['hello', 'first line', 'second line']);
      expect(linesOf('abdi-test-Logs', 'stderr')).toEqual(['something failed']);
    });
    const hello = logEntries.find((entry) => entry.line === 'hello');
    expect(Math.abs((hello?.time ?? 0) - clock.now())).toBeLessThan(1_000);
  });
});

describe('source maps', () => {
  it('maps stack traces to the sources when the function NODE_OPTIONS enable source maps', async () => {
    const event = { nip: '198703122010011001' };
    const mapped = failureOf(await runtime.invoke('Mapped', event));
    const unmapped = failureOf(await runtime.invoke('Unmapped', event));

    expect(mapped.trace[1]).toMatch(/src\/registration\.ts:6:\d+\)$/);
    expect(unmapped.trace[1]).toMatch(/source-maps\/index\.mjs:3:\d+\)$/);
  });
});

describe('function references', () => {
  it('finds a function by name, ARN, qualified name, partial ARN or logical id, and refuses others', async () => {
    const references = [
      'abdi-test-Resolved',
      `${ARN_PREFIX}abdi-test-Resolved`,
      'Resolved',
      'abdi-test-Resolved:$LATEST',
      '000000000000:function:abdi-test-Resolved',
    ];
    const arns = [];
    for (const reference of references) {
      arns.push(payloadOf<Inspection>(await runtime.invoke(reference, {})).context.invokedFunctionArn);
    }
    expect(arns).toEqual([
      `${ARN_PREFIX}abdi-test-Resolved`,
      `${ARN_PREFIX}abdi-test-Resolved`,
      `${ARN_PREFIX}abdi-test-Resolved`,
      `${ARN_PREFIX}abdi-test-Resolved:$LATEST`,
      `${ARN_PREFIX}abdi-test-Resolved`,
    ]);

    for (const unknown of [
      'abdi-test-Nope',
      'arn:aws:lambda:us-east-1:000000000000:function:abdi-test-Resolved',
      'abdi-test-Resolved:1',
    ]) {
      await expect(runtime.invoke(unknown, {})).rejects.toThrow(ResourceNotFoundException);
    }
  });
});

/** Runs a script in a fresh Node process; fails if the process does not exit by itself. */
const runScript = (script: string, env: Record<string, string> = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the process did not exit by itself: ${stderr}`));
    }, 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

/** A script that builds a runtime from specs, runs `body`, and prints what `body` returns as JSON. */
const runtimeScript = (functions: FunctionSpec[], body: string) => `
  import { LambdaRuntime } from ${JSON.stringify(new URL('../../infra/local/lambda/pool.ts', import.meta.url).href)};
  import { createClock } from ${JSON.stringify(new URL('../../infra/local/clock.ts', import.meta.url).href)};
  const runtime = new LambdaRuntime({
    functions: ${JSON.stringify(functions)},
    clock: createClock(),
    faults: { lambda: { throwOnce: new Set() } },
    logs: { write() {} },
    runtimeEnv: {},
  });
  console.log(JSON.stringify(await (async () => { ${body} })()));
`;

describe('lifecycle', () => {
  it('leaves no sandbox alive after stop(), so the process exits by itself', async () => {
    const { code, stdout, stderr } = await runScript(
      runtimeScript(
        [spec('Counter', 'counter')],
        `const results = await Promise.all([
           runtime.invoke('Counter', { holdMs: 50 }),
           runtime.invoke('Counter', { holdMs: 50 }),
         ]);
         const before = runtime.stats()['abdi-test-Counter'].workers;
         await runtime.stop();
         return { ok: results.every((result) => result.ok), before, after: runtime.stats()['abdi-test-Counter'].workers };`,
      ),
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ ok: true, before: 2, after: 0 });
  });

  it('runs handlers in UTC, as Lambda does, whatever the time zone of the machine', async () => {
    const { stdout } = await runScript(
      runtimeScript(
        [spec('Zone', 'inspect')],
        `const result = await runtime.invoke('Zone', {});
         await runtime.stop();
         return result.payload.timeZone;`,
      ),
      { TZ: 'Asia/Jakarta' },
    );

    expect(JSON.parse(stdout)).toBe('UTC');
  });
});
