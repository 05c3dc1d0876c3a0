import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClock } from '#infra/local/clock';
import { StepFunctionsEmulator } from '#infra/local/sfn/emulator';
import { sfnRequestHandler } from '#infra/local/sfn/server';
import type { Clock, InvokeResult, Invoker } from '#infra/local/types';

const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/sfn/approval-like.asl.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

const REGION = 'ap-southeast-3';
const machineArn = (name: string) => `arn:aws:states:${REGION}:000000000000:stateMachine:${name}`;
const APPROVAL_ARN = machineArn('abdi-approval');
const CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const INVOKE = 'arn:aws:states:::lambda:invoke';
const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const iso = (epochMs: number) => new Date(epochMs).toISOString();

// biome-ignore lint/suspicious/noExplicitAny: fake functions read whatever event the state machine sends
type Event = any;
type FakeFunction = (event: Event) => unknown;

/** A function error as Lambda reports it: the thrown error's name becomes the errorType. */
const functionFailure = (errorType: string, message: string) => Object.assign(new Error(message), { name: errorType });

/** In-process stand-ins for Lambda functions, keyed by function name (the ARN's last segment), recording calls. */
const fakeFunctions = (clock: Clock) => {
  const calls: { name: string; event: Event; at: number }[] = [];
  const handlers = new Map<string, FakeFunction>();
  const invoker: Invoker = {
    async invoke(functionNameOrArn, event): Promise<InvokeResult> {
      const name = functionNameOrArn.split(':').at(-1) ?? functionNameOrArn;
      calls.push({ name, event, at: clock.now() });
      const requestId = randomUUID();
      try {
        const payload = await (handlers.get(name) ?? (() => ({})))(event);
        return { ok: true, payload, durationMs: 1, requestId };
      } catch (error) {
        const { name: errorType, message, stack } = error as Error;
        const trace = stack?.split('\n') ?? [];
        return { ok: false, errorType, errorMessage: message, trace, durationMs: 1, requestId };
      }
    },
  };
  return {
    invoker,
    on: (name: string, handler: FakeFunction) => handlers.set(name, handler),
    callsOf: (name: string) => calls.filter((call) => call.name === name).map((call) => call.event),
  };
};

const emulators: StepFunctionsEmulator[] = [];
const servers: Server[] = [];

afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  await Promise.all(emulators.splice(0).map((emulator) => emulator.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const emulatorFor = (
  definition: Record<string, unknown>,
  options: { invoker?: Invoker; clock?: Clock; retryDelayScale?: number } = {},
) => {
  const clock = options.clock ?? createClock();
  const functions = fakeFunctions(clock);
  const emulator = new StepFunctionsEmulator({
    stateMachines: [
      { logicalId: 'Machine', name: 'abdi-test', arn: machineArn('abdi-test'), type: 'STANDARD', definition },
    ],
    invoker: options.invoker ?? functions.invoker,
    clock,
    retryDelayScale: options.retryDelayScale,
  });
  emulators.push(emulator);
  const start = (input: unknown = {}) =>
    emulator.startExecution({ stateMachineArn: machineArn('abdi-test'), input: JSON.stringify(input) });
  const describeStatus = async (executionArn: string) => (await emulator.describeExecution({ executionArn })).status;
  return { clock, functions, emulator, start, describeStatus };
};

/**
 * The fixture with fake functions: stage k reminds at t0 + 1 day + 10k days and closes at t0 + 3 days + 10k days;
 * the outcome moves to the next stage after StageClosed and ends the request after any other error (or the last stage).
 */
const approvalWorld = (options: { stages?: number; retryDelayScale?: number } = {}) => {
  const stages = options.stages ?? 1;
  const clock = createClock();
  const t0 = clock.now();
  const stage = (index: number) => ({
    reminderAt: iso(t0 + DAY + index * 10 * DAY),
    deadlineAt: iso(t0 + 3 * DAY + index * 10 * DAY),
  });
  const functions = fakeFunctions(clock);
  const tokens: string[] = [];
  functions.on('abdi-wf-prepare', ({ requestId }) => ({ requestId, stageIndex: 0, done: false, ...stage(0) }));
  functions.on('abdi-wf-open-stage', ({ token }) => {
    tokens.push(token);
    return { opened: true };
  });
  functions.on('abdi-wf-outcome', ({ requestId, stageIndex, error }) => {
    const next = stageIndex + 1;
    return { requestId, stageIndex: next, done: error !== 'StageClosed' || next >= stages, ...stage(next) };
  });
  const emulator = new StepFunctionsEmulator({
    stateMachines: [
      { logicalId: 'Approval', name: 'abdi-approval', arn: APPROVAL_ARN, type: 'STANDARD', definition: fixture },
    ],
    invoker: functions.invoker,
    clock,
    region: REGION,
    retryDelayScale: options.retryDelayScale,
  });
  emulators.push(emulator);
  const start = (name?: string, requestId = 'req-1') =>
    emulator.startExecution({ stateMachineArn: APPROVAL_ARN, name, input: JSON.stringify({ requestId }) });
  const describeStatus = async (executionArn: string) => (await emulator.describeExecution({ executionArn })).status;
  return { clock, t0, functions, tokens, emulator, start, describeStatus };
};

/** The SDK client as handlers create it, against the emulator's endpoint with dummy credentials. */
const sdkFor = async (emulator: StepFunctionsEmulator) => {
  const server = createServer(sfnRequestHandler(emulator));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new SFNClient({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, endpoint };
};

describe('loading definitions', () => {
  it('the library validates the approval-like fixture and the emulator loads it', () => {
    expect(() => new StateMachine(fixture as unknown as StateMachineDefinition)).not.toThrow();
    expect(() => approvalWorld()).not.toThrow();
  });

  it('refuses JSONata (top level or per state) and Assign when loading', () => {
    const pass = { Type: 'Pass', End: true };
    expect(() => emulatorFor({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: pass } })).toThrow(/JSONata/);
    expect(() => emulatorFor({ StartAt: 'A', States: { A: { ...pass, QueryLanguage: 'JSONata' } } })).toThrow(
      /JSONata/,
    );
    expect(() => emulatorFor({ StartAt: 'A', States: { A: { ...pass, Assign: { x: 1 } } } })).toThrow(/Assign/);
  });
});

describe('task tokens', () => {
  it('a token answers TaskTimedOut once its task completed, as AWS does for a closed task', async () => {
    const world = approvalWorld({ stages: 2 });
    const { executionArn } = await world.start();
    await world.emulator.idle();
    const [first] = world.tokens;
    expect(world.functions.callsOf('abdi-wf-open-stage')).toEqual([
      { token: first, executionId: executionArn, requestId: 'req-1', stageIndex: 0 },
    ]);
    await world.emulator.sendTaskSuccess({ taskToken: first, output: '{"decision":"approved"}' });
    await expect(world.emulator.sendTaskSuccess({ taskToken: first, output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.callLog().at(-1)).toMatchObject({
      operation: 'SendTaskSuccess',
      task: { stateName: 'AwaitDecision', status: 'succeeded' },
      outcome: { ok: false, error: 'TaskTimedOut' },
    });
    await expect(world.emulator.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' })).rejects.toMatchObject({
      name: 'InvalidToken',
    });
  });

  it('StopExecution aborts: ABORTED, its token dead, its waits cancelled, nothing invoked afterwards', async () => {
    const world = approvalWorld();
    const { executionArn } = await world.start();
    await world.emulator.idle();
    await world.emulator.stopExecution({ executionArn, error: 'Admin', cause: 'aborted by an admin' });
    await expect(world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.callLog().at(-1)?.task?.status).toBe('stopped');
    world.clock.advance(30 * DAY);
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-remind')).toEqual([]);
    expect(world.functions.callsOf('abdi-wf-outcome')).toEqual([]);
    expect(world.emulator.openTasks()).toEqual([]);
    expect(await world.emulator.describeExecution({ executionArn })).toMatchObject({
      status: 'ABORTED',
      error: 'Admin',
      cause: 'aborted by an admin',
    });
  });

  it('the reminder branch: past reminderAt reminds once, past deadlineAt fails the Parallel with StageDeadline, cancelling the decision token', async () => {
    const world = approvalWorld();
    const { executionArn } = await world.start();
    await world.emulator.idle();
    world.clock.set(world.t0 + DAY + SECOND);
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-remind')).toEqual([{ requestId: 'req-1', stageIndex: 0 }]);
    expect(world.emulator.openTasks()).toHaveLength(1);

    world.clock.set(world.t0 + 3 * DAY + SECOND);
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-outcome')).toEqual([
      { requestId: 'req-1', stageIndex: 0, error: 'StageDeadline', cause: 'the stage deadline passed' },
    ]);
    expect(world.functions.callsOf('abdi-wf-remind')).toHaveLength(1);
    expect(await world.describeStatus(executionArn)).toBe('SUCCEEDED');
    await expect(world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.callLog().at(-1)?.task?.status).toBe('branchCancelled');
  });

  it('a decision closing the stage cancels the reminder branch: no reminder for that stage after the Parallel ended', async () => {
    const world = approvalWorld({ stages: 2 });
    const { executionArn } = await world.start();
    await world.emulator.idle();
    await world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' });
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-outcome')).toMatchObject([{ stageIndex: 0, error: 'StageClosed' }]);
    // Past stage 0's reminder and deadline, before stage 1's reminder.
    world.clock.set(world.t0 + 5 * DAY);
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-remind')).toEqual([]);
    expect(world.functions.callsOf('abdi-wf-outcome')).toHaveLength(1);
    expect(await world.describeStatus(executionArn)).toBe('RUNNING');
    expect(world.emulator.openTasks()).toMatchObject([{ token: world.tokens[1], stateName: 'AwaitDecision' }]);
  });

  it('TimeoutSeconds runs on the virtual clock: States.Timeout (not States.TaskFailed) and the token answers TaskTimedOut', async () => {
    const world = emulatorFor({
      StartAt: 'Await',
      States: {
        Await: {
          Type: 'Task',
          Resource: CALLBACK,
          Parameters: { FunctionName: 'abdi-wf-open-stage', Payload: { 'token.$': '$$.Task.Token' } },
          TimeoutSeconds: 3600,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], Next: 'WrongCatch' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' },
          ],
          End: true,
        },
        WrongCatch: { Type: 'Fail', Error: 'WrongCatch' },
        TimedOut: { Type: 'Pass', End: true },
      },
    });
    const { executionArn } = await world.start({ requestId: 'req-1' });
    await world.emulator.idle();
    const [{ token }] = world.functions.callsOf('abdi-wf-open-stage');
    world.clock.advance(3599 * SECOND);
    await world.emulator.idle();
    expect(world.emulator.openTasks()).toHaveLength(1);
    world.clock.advance(2 * SECOND);
    await world.emulator.idle();
    const described = await world.emulator.describeExecution({ executionArn });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toMatchObject({
      requestId: 'req-1',
      error: { Error: 'States.Timeout' },
    });
    await expect(world.emulator.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.callLog().at(-1)?.task?.status).toBe('timedOut');
  });

  it('an execution TimeoutSeconds runs on the virtual clock: TIMED_OUT and its tokens dead', async () => {
    const world = emulatorFor({
      TimeoutSeconds: 600,
      StartAt: 'Await',
      States: {
        Await: {
          Type: 'Task',
          Resource: CALLBACK,
          Parameters: { FunctionName: 'abdi-wf-open-stage', Payload: { 'token.$': '$$.Task.Token' } },
          End: true,
        },
      },
    });
    const { executionArn } = await world.start();
    await world.emulator.idle();
    world.clock.advance(601 * SECOND);
    await world.emulator.idle();
    expect(await world.describeStatus(executionArn)).toBe('TIMED_OUT');
    expect(world.emulator.openTasks()).toEqual([]);
  });

  it('every Retry attempt and every loop round gets a fresh token; earlier tokens are dead', async () => {
    const world = approvalWorld({ stages: 2 });
    let conflicts = 1;
    world.functions.on('abdi-wf-open-stage', ({ token }) => {
      world.tokens.push(token);
      if (conflicts-- > 0) throw functionFailure('OpenStageConflict', 'stage item changed meanwhile');
      return {};
    });
    await world.start();
    await world.emulator.idle();
    // The 1 s Retry pause runs on the virtual clock.
    expect(world.tokens).toHaveLength(1);
    world.clock.advance(SECOND);
    await world.emulator.idle();
    expect(world.tokens).toHaveLength(2);
    await expect(world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });

    await world.emulator.sendTaskSuccess({ taskToken: world.tokens[1], output: '{}' });
    await world.emulator.idle();
    expect(world.tokens).toHaveLength(3);
    expect(new Set(world.tokens).size).toBe(3);
    await expect(world.emulator.sendTaskSuccess({ taskToken: world.tokens[1], output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.openTasks().map((task) => task.token)).toEqual([world.tokens[2]]);
  });

  it('a callback task without TimeoutSeconds still waits after the clock moves 2 hours and 2 minutes of timers run', async () => {
    const world = approvalWorld();
    // Fake timers make the library's own 60 s task timer (were it armed) fire during the test.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const started = world.start();
    await vi.advanceTimersByTimeAsync(10);
    const { executionArn } = await started;
    await world.emulator.idle();
    world.clock.advance(2 * HOUR);
    await vi.advanceTimersByTimeAsync(2 * 60 * SECOND);
    await world.emulator.idle();
    expect(await world.describeStatus(executionArn)).toBe('RUNNING');
    expect(world.emulator.openTasks()).toHaveLength(1);

    await world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' });
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-wf-outcome')).toMatchObject([{ error: 'StageClosed' }]);
    expect(await world.describeStatus(executionArn)).toBe('SUCCEEDED');
  });

  it('Map runs each item in its own scope: a failed item cancels the tokens of its siblings', async () => {
    const world = emulatorFor({
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.approvers',
          ItemSelector: { 'approver.$': '$$.Map.Item.Value', 'requestId.$': '$.requestId' },
          ItemProcessor: {
            StartAt: 'Ask',
            States: {
              Ask: {
                Type: 'Task',
                Resource: CALLBACK,
                Parameters: {
                  FunctionName: 'abdi-ask',
                  Payload: { 'token.$': '$$.Task.Token', 'approver.$': '$.approver' },
                },
                End: true,
              },
            },
          },
          Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejected', Next: 'Rejected' }],
          End: true,
        },
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const tokenOf = (approver: string) =>
      world.functions.callsOf('abdi-ask').find((event) => event.approver === approver).token as string;

    const approved = await world.start({ requestId: 'req-1', approvers: ['ani', 'budi'] });
    await world.emulator.idle();
    await world.emulator.sendTaskSuccess({ taskToken: tokenOf('budi'), output: '"yes from budi"' });
    await world.emulator.sendTaskSuccess({ taskToken: tokenOf('ani'), output: '"yes from ani"' });
    await world.emulator.idle();
    const described = await world.emulator.describeExecution({ executionArn: approved.executionArn });
    expect(JSON.parse(described.output ?? '')).toEqual(['yes from ani', 'yes from budi']);

    const rejected = await world.start({ requestId: 'req-2', approvers: ['citra', 'dewi', 'eko'] });
    await world.emulator.idle();
    await world.emulator.sendTaskFailure({ taskToken: tokenOf('dewi'), error: 'Rejected', cause: 'no' });
    await world.emulator.idle();
    const output = JSON.parse((await world.emulator.describeExecution(rejected)).output ?? '');
    expect(output.rejected).toEqual({ Error: 'Rejected', Cause: 'no' });
    await expect(world.emulator.sendTaskSuccess({ taskToken: tokenOf('eko'), output: '{}' })).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    expect(world.emulator.callLog().at(-1)?.task?.status).toBe('branchCancelled');
    expect(world.emulator.openTasks()).toEqual([]);
  });
});

describe('Lambda tasks and waits', () => {
  it('invokes lambda:invoke and plain function ARNs; a function error is named by its errorType for Retry and Catch', async () => {
    const world = emulatorFor({
      StartAt: 'Plain',
      States: {
        Plain: {
          Type: 'Task',
          Resource: `arn:aws:lambda:${REGION}:000000000000:function:abdi-plain`,
          ResultPath: '$.plain',
          Next: 'Invoke',
        },
        Invoke: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'abdi-echo', 'Payload.$': '$.plain' },
          ResultSelector: { 'echo.$': '$.Payload', 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' },
          ResultPath: '$.invoked',
          Next: 'Flaky',
        },
        Flaky: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'abdi-flaky', Payload: {} },
          Retry: [{ ErrorEquals: ['Sandbox.Timedout'], IntervalSeconds: 2, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['Sandbox.Timedout'], ResultPath: '$.failure', Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    world.functions.on('abdi-plain', (event) => ({ seen: event.n }));
    world.functions.on('abdi-echo', (event) => event);
    world.functions.on('abdi-flaky', () => {
      throw functionFailure('Sandbox.Timedout', 'Task timed out after 3.00 seconds');
    });
    const { executionArn } = await world.start({ n: 7 });
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-flaky')).toHaveLength(1);
    world.clock.advance(2 * SECOND);
    await world.emulator.idle();
    expect(world.functions.callsOf('abdi-flaky')).toHaveLength(2);

    const output = JSON.parse((await world.emulator.describeExecution({ executionArn })).output ?? '');
    expect(output.plain).toEqual({ seen: 7 });
    expect(output.invoked).toEqual({ echo: { seen: 7 }, status: 200, version: '$LATEST' });
    expect(output.failure.Error).toBe('Sandbox.Timedout');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      errorMessage: 'Task timed out after 3.00 seconds',
      errorType: 'Sandbox.Timedout',
      trace: expect.any(Array),
    });
  });

  it('a Parallel whose branches succeed outputs their results in branch order, through ResultSelector and ResultPath', async () => {
    const branch = (name: string, functionName: string) => ({
      StartAt: name,
      States: {
        [name]: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: functionName, 'Payload.$': '$' },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    });
    const world = emulatorFor({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Parameters: { 'n.$': '$.n' },
          Branches: [branch('Slow', 'abdi-slow'), branch('Fast', 'abdi-fast')],
          ResultSelector: { 'slow.$': '$[0]', 'fast.$': '$[1]' },
          ResultPath: '$.both',
          End: true,
        },
      },
    });
    world.functions.on('abdi-slow', async ({ n }) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return n * 2;
    });
    world.functions.on('abdi-fast', ({ n }) => n + 1);
    const { executionArn } = await world.start({ n: 5 });
    await world.emulator.idle();
    const output = JSON.parse((await world.emulator.describeExecution({ executionArn })).output ?? '');
    expect(output).toEqual({ n: 5, both: { slow: 10, fast: 6 } });
  });

  it('Wait states (Seconds, SecondsPath, Timestamp, TimestampPath) end when the virtual clock passes them, never early', async () => {
    const clock = createClock();
    const t0 = clock.now();
    const tick = (step: string, next: string) => ({
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'abdi-tick', Payload: { step } },
      ResultPath: null,
      Next: next,
    });
    const world = emulatorFor(
      {
        StartAt: 'Seconds',
        States: {
          Seconds: { Type: 'Wait', Seconds: 3600, Next: 'AfterSeconds' },
          AfterSeconds: tick('seconds', 'SecondsPath'),
          SecondsPath: { Type: 'Wait', SecondsPath: '$.delay', Next: 'AfterSecondsPath' },
          AfterSecondsPath: tick('secondsPath', 'Timestamp'),
          // 40 days: beyond what one setTimeout holds.
          Timestamp: { Type: 'Wait', Timestamp: iso(t0 + 40 * DAY), Next: 'AfterTimestamp' },
          AfterTimestamp: tick('timestamp', 'TimestampPath'),
          TimestampPath: { Type: 'Wait', InputPath: '$.inner', TimestampPath: '$.at', End: true },
        },
      },
      { clock },
    );
    const steps = () => world.functions.callsOf('abdi-tick').map((event) => event.step);
    const { executionArn } = await world.start({ delay: 60, inner: { at: iso(t0 + 50 * DAY) } });
    await world.emulator.idle();
    expect(steps()).toEqual([]);
    clock.advance(HOUR);
    await world.emulator.idle();
    expect(steps()).toEqual(['seconds']);
    clock.advance(60 * SECOND);
    await world.emulator.idle();
    expect(steps()).toEqual(['seconds', 'secondsPath']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(steps()).toEqual(['seconds', 'secondsPath']);
    clock.set(t0 + 40 * DAY);
    await world.emulator.idle();
    expect(steps()).toEqual(['seconds', 'secondsPath', 'timestamp']);
    expect(await world.describeStatus(executionArn)).toBe('RUNNING');
    clock.set(t0 + 50 * DAY);
    await world.emulator.idle();
    const described = await world.emulator.describeExecution({ executionArn });
    expect(described.status).toBe('SUCCEEDED');
    expect(JSON.parse(described.output ?? '')).toEqual({ at: iso(t0 + 50 * DAY) });
  });

  it('a throwing invoker fails the task as Lambda.ServiceException, retried with backoff on the virtual clock', async () => {
    let attempts = 0;
    const crashing: Invoker = {
      invoke: async () => {
        attempts += 1;
        throw new Error('worker crashed');
      },
    };
    // Prepare retries Lambda.ServiceException 3 times: IntervalSeconds 2, BackoffRate 2.
    const world = emulatorFor(fixture, { invoker: crashing });
    const { executionArn } = await world.start({ requestId: 'req-1' });
    const afterAdvance = async (ms: number) => {
      world.clock.advance(ms);
      await world.emulator.idle();
      return attempts;
    };
    expect(await afterAdvance(0)).toBe(1);
    expect(await afterAdvance(2 * SECOND)).toBe(2);
    expect(await afterAdvance(3.9 * SECOND)).toBe(2);
    expect(await afterAdvance(0.1 * SECOND)).toBe(3);
    expect(await afterAdvance(8 * SECOND)).toBe(4);
    expect(await world.emulator.describeExecution({ executionArn })).toMatchObject({
      status: 'FAILED',
      error: 'Lambda.ServiceException',
      cause: 'worker crashed',
    });
  });

  it('retryDelayScale shrinks Retry pauses: 14 s of backoff pass in milliseconds without moving the clock', async () => {
    let attempts = 0;
    const crashing: Invoker = {
      invoke: async () => {
        attempts += 1;
        throw new Error('worker crashed');
      },
    };
    const world = emulatorFor(fixture, { invoker: crashing, retryDelayScale: 0.001 });
    const { executionArn } = await world.start({ requestId: 'req-1' });
    await vi.waitFor(async () => expect(await world.describeStatus(executionArn)).toBe('FAILED'));
    expect(attempts).toBe(4);
  });

  it('stop() aborts running executions and leaves no timers behind', async () => {
    // Tracks the timers this test's code arms (vitest keeps timers of its own, so counting all would be noisy).
    const live = new Set<NodeJS.Timeout>();
    const { setTimeout: realSet, clearTimeout: realClear } = globalThis;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      const timer = realSet(() => {
        live.delete(timer);
        callback();
      }, ms);
      live.add(timer);
      return timer;
    }) as typeof setTimeout);
    vi.spyOn(globalThis, 'clearTimeout').mockImplementation((timer) => {
      live.delete(timer as NodeJS.Timeout);
      realClear(timer);
    });
    const world = approvalWorld();
    const { executionArn } = await world.start();
    await world.emulator.idle();
    // The reminder's sleep on the clock and the library's backstop timers of the pending states.
    expect(live.size).toBeGreaterThan(0);
    await world.emulator.stop();
    expect(live.size).toBe(0);
    expect(await world.describeStatus(executionArn)).toBe('ABORTED');
    await expect(world.start('after-stop')).rejects.toThrow(/stopped/);
  });
});

describe('the JSON 1.0 endpoint with the SDK', () => {
  it('StartExecution with the same name and input while running returns the same ARN; otherwise ExecutionAlreadyExists', async () => {
    const world = approvalWorld();
    const { client } = await sdkFor(world.emulator);
    const input = JSON.stringify({ requestId: 'req-1' });
    const start = (name: string, body = input) =>
      client.send(new StartExecutionCommand({ stateMachineArn: APPROVAL_ARN, name, input: body }));

    const first = await start('sub-1');
    const again = await start('sub-1');
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(start('sub-1', JSON.stringify({ requestId: 'other' }))).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(start('sub-1')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });

    const unnamed = await client.send(new StartExecutionCommand({ stateMachineArn: APPROVAL_ARN, input }));
    expect(unnamed.executionArn).toMatch(
      /^arn:aws:states:ap-southeast-3:000000000000:execution:abdi-approval:[0-9a-f-]{36}$/,
    );
  });

  it('StartExecution answers StateMachineDoesNotExist, InvalidName and InvalidExecutionInput', async () => {
    const world = approvalWorld();
    const { client } = await sdkFor(world.emulator);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: machineArn('missing'), input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: APPROVAL_ARN, name: 'has space', input: '{}' })),
    ).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: APPROVAL_ARN, input: '{not json' })),
    ).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
  });

  it('of two concurrent SendTaskSuccess on one token exactly one succeeds (in process and through the SDK)', async () => {
    const world = approvalWorld({ stages: 2 });
    const { client } = await sdkFor(world.emulator);
    await world.start();
    await world.emulator.idle();
    const outcomes = (results: PromiseSettledResult<unknown>[]) => results.map((result) => result.status).sort();
    const direct = () => world.emulator.sendTaskSuccess({ taskToken: world.tokens[0], output: '{}' });
    const inProcess = await Promise.allSettled([direct(), direct()]);
    expect(outcomes(inProcess)).toEqual(['fulfilled', 'rejected']);
    await world.emulator.idle();

    const viaSdk = () => client.send(new SendTaskSuccessCommand({ taskToken: world.tokens[1], output: '{}' }));
    const overHttp = await Promise.allSettled([viaSdk(), viaSdk()]);
    expect(outcomes(overHttp)).toEqual(['fulfilled', 'rejected']);
    expect(overHttp.find((result) => result.status === 'rejected')).toMatchObject({ reason: { name: 'TaskTimedOut' } });
    const successes = world.emulator
      .callLog()
      .filter(
        (call) => call.operation === 'SendTaskSuccess' && call.outcome.ok && call.task?.stateName === 'AwaitDecision',
      );
    expect(successes.map((call) => call.input.taskToken)).toEqual(world.tokens);
  });

  it('DescribeExecution and ListExecutions come back SDK-shaped; token errors keep their names', async () => {
    const world = approvalWorld();
    const { client } = await sdkFor(world.emulator);
    const started = await world.start('sub-9', 'req-9');
    await world.emulator.idle();
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: `AQ${'A'.repeat(64)}`, output: '{}' })),
    ).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'junk', output: '{}' }))).rejects.toMatchObject({
      name: 'InvalidToken',
    });
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: world.tokens[0], output: 'not json' })),
    ).rejects.toMatchObject({ name: 'InvalidOutput' });
    world.clock.advance(HOUR);
    await client.send(new SendTaskSuccessCommand({ taskToken: world.tokens[0], output: '{}' }));
    await world.emulator.idle();

    const described = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(described).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: APPROVAL_ARN,
      name: 'sub-9',
      status: 'SUCCEEDED',
      input: JSON.stringify({ requestId: 'req-9' }),
    });
    expect(described.startDate).toEqual(started.startDate);
    expect(described.stopDate?.getTime()).toBeGreaterThanOrEqual(world.t0 + HOUR);
    expect(JSON.parse(described.output ?? '')).toMatchObject({ requestId: 'req-9', stageIndex: 1, done: true });
    await expect(
      client.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}-nope` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });

    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: APPROVAL_ARN }));
    expect(listed.executions).toMatchObject([{ name: 'sub-9', status: 'SUCCEEDED' }]);
  });

  it('the unchanged SDK client works from AWS_ENDPOINT_URL_SFN and dummy credentials in the environment', async () => {
    const world = approvalWorld();
    const { endpoint } = await sdkFor(world.emulator);
    const { executionArn } = await world.start();
    const env = {
      AWS_ENDPOINT_URL_SFN: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
    };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    Object.assign(process.env, env);
    try {
      const client = new SFNClient({});
      expect(await client.send(new DescribeExecutionCommand({ executionArn }))).toMatchObject({ status: 'RUNNING' });
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
