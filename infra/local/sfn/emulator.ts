import { randomBytes, randomUUID } from 'node:crypto';
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  ExecutionListItem,
  ExecutionStatus,
  ListExecutionsInput,
  ListExecutionsOutput,
  SendTaskFailureInput,
  SendTaskFailureOutput,
  SendTaskSuccessInput,
  SendTaskSuccessOutput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { ExecutionAbortedError, ExecutionError } from 'aws-local-stepfunctions';
import type { Clock, InvokeResult, Invoker, StateMachineSpec } from '../types.ts';
import {
  type CompiledLevel,
  type CompiledMachine,
  type CompiledState,
  compileDefinition,
  MAP_ITEM_STATE,
  type Retrier,
} from './definition.ts';
import { CancelledError, type CancelReason, SfnApiError, stateError, statesTimeoutErrorClass } from './errors.ts';
import { functionError, invokeOutput, invokeParameters, type Json, withToken } from './lambda.ts';

/** Options of {@link StepFunctionsEmulator}. */
export interface StepFunctionsEmulatorOptions {
  stateMachines: StateMachineSpec[];
  invoker: Invoker;
  clock: Clock;
  /** Used for execution ARNs only when a state machine ARN cannot be parsed. */
  region?: string;
  accountId?: string;
  /**
   * Factor applied to every Retry pause (IntervalSeconds, BackoffRate, MaxDelaySeconds), which runs on the virtual
   * clock. Default 1; tests set e.g. 0.001 so a 1 s interval takes 1 ms of real time without moving the clock.
   */
  retryDelayScale?: number;
}

/** StartExecution's answer (the SDK type leaves both members optional). */
export interface StartedExecution extends StartExecutionOutput {
  executionArn: string;
  startDate: Date;
}

/** Where a task token stands. Every status but `open` answers TaskTimedOut, as AWS does for a closed task. */
export type TaskStatus = 'open' | 'succeeded' | 'failed' | 'timedOut' | CancelReason;

/** An open or closed callback task, for tests and tooling. */
export interface TaskInfo {
  token: string;
  executionArn: string;
  stateName: string;
  status: TaskStatus;
  /** Virtual-clock time the token was minted (ms). */
  openedAt: number;
}

export type SfnOperation =
  | 'StartExecution'
  | 'SendTaskSuccess'
  | 'SendTaskFailure'
  | 'StopExecution'
  | 'DescribeExecution'
  | 'ListExecutions';

/** One API call as the emulator answered it. */
export interface SfnCall {
  /** Virtual-clock time of the call (ms). */
  at: number;
  operation: SfnOperation;
  /** The identifying part of the request (ARNs, name, token, error), not payloads. */
  input: Record<string, unknown>;
  /** For token calls: the task the token belonged to and its status when the call arrived. */
  task?: { executionArn: string; stateName: string; status: TaskStatus };
  outcome: { ok: true } | { ok: false; error: string; message: string };
}

interface TaskRecord extends TaskInfo {
  /** Closes the task once; false when it was already closed. Synchronous, so only one callback can win. */
  close(status: Exclude<TaskStatus, 'open'>, outcome: { output: Json } | { error: unknown }): boolean;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  context: Record<string, Json>;
  root: Scope;
  /** Aborted when the execution closes: ends the TimeoutSeconds timer. */
  closed: AbortController;
}

/** Retry bookkeeping of one state in one run, mirroring the library's counters to time the pause. */
interface RetryRecord {
  attempts: number[];
  pauseMs?: number;
}

const TOKEN_FORMAT = /^AQ[A-Za-z0-9_-]{64}$/;
const MAX_INPUT_BYTES = 262_144;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:execution:[^:]+:[^:]+$/;
const NAME_FORBIDDEN = new Set(' \t\n\r<>{}[]?*"#%\\^|~`$&,;:/');

const isValidName = (name: string) =>
  name.length >= 1 &&
  name.length <= 80 &&
  [...name].every((char) => {
    const code = char.codePointAt(0) ?? 0;
    return !NAME_FORBIDDEN.has(char) && !/\s/.test(char) && code > 0x1f && (code < 0x7f || code > 0x9f);
  });

const mintToken = () => `AQ${randomBytes(48).toString('base64url')}`;

const parseJson = (text: string): { ok: true; value: Json } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch {
    return { ok: false };
  }
};

/** Rejects with the signal's reason when it aborts first; the underlying promise is still observed. */
const abortable = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      promise.catch(() => {});
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });

/**
 * One library run (an execution's top level, a Parallel branch or a Map item) and all that waits inside it.
 * Cancelling a scope aborts its signal (every pending wait, task and token of the run rejects at once, before any
 * other code runs), aborts the library run so it enters no further state, and cancels its nested scopes.
 */
class Scope {
  readonly controller = new AbortController();
  readonly children = new Set<Scope>();
  readonly retries = new Map<string, RetryRecord>();
  abortRun: () => void = () => {};

  constructor(readonly parent?: Scope) {
    parent?.children.add(this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  cancel(reason: CancelReason): void {
    if (this.signal.aborted) return;
    this.controller.abort(new CancelledError(reason));
    this.abortRun();
    for (const child of this.children) child.cancel(reason);
    this.detach();
  }

  detach(): void {
    this.parent?.children.delete(this);
  }
}

/**
 * Step Functions for the local runtime: runs the synthesized ASL of each state machine on `aws-local-stepfunctions`
 * and adds what the library lacks — task tokens minted per attempt, callbacks, TimeoutSeconds and Wait/Retry pauses
 * on the virtual clock, cancellation of Parallel branches and Map items, and the API semantics of StartExecution,
 * SendTaskSuccess/Failure, StopExecution and DescribeExecution. Methods mirror the SDK operations and reject with
 * {@link SfnApiError} where AWS answers an error.
 */
export class StepFunctionsEmulator {
  private readonly machines = new Map<string, { spec: StateMachineSpec; compiled: CompiledMachine }>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly calls: SfnCall[] = [];
  private readonly invoker: Invoker;
  private readonly clock: Clock;
  private readonly region: string;
  private readonly accountId: string;
  private readonly retryDelayScale: number;
  /** What `$$.Task.Token` resolves to in the library; replaced by the minted token in each callback attempt. */
  private readonly tokenPlaceholder = `abdi-task-token-placeholder-${randomUUID()}`;
  private readonly timeoutErrorReady = statesTimeoutErrorClass();
  private TimeoutError?: new () => Error;
  private busy = 0;
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  /** @throws Error when a definition is invalid or uses what the emulation refuses (JSONata, Assign, ...). */
  constructor(options: StepFunctionsEmulatorOptions) {
    this.invoker = options.invoker;
    this.clock = options.clock;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.retryDelayScale = options.retryDelayScale ?? 1;
    for (const spec of options.stateMachines) {
      this.machines.set(spec.arn, { spec, compiled: compileDefinition(spec.name, spec.definition) });
    }
    this.timeoutErrorReady.catch(() => {});
  }

  /** StartExecution: idempotent for the same name and input while running, `ExecutionAlreadyExists` otherwise. */
  startExecution(input: StartExecutionInput): Promise<StartedExecution> {
    const summary = { stateMachineArn: input.stateMachineArn, name: input.name };
    return this.logged('StartExecution', summary, async () => {
      this.TimeoutError ??= await this.timeoutErrorReady;
      // From here on synchronous: two concurrent starts with one name see each other.
      if (this.stopped) throw new Error('the Step Functions emulator is stopped');
      const arn = input.stateMachineArn ?? '';
      const machine = this.machines.get(arn);
      if (!machine) {
        if (!arn.startsWith('arn:')) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
        throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      }
      const name = input.name ?? randomUUID();
      if (!isValidName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      const rawInput = input.input ?? '{}';
      const parsed = parseJson(rawInput);
      if (!parsed.ok || Buffer.byteLength(rawInput) > MAX_INPUT_BYTES) {
        throw new SfnApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${rawInput}'`);
      }
      const executionArn = this.executionArn(machine.spec, name);
      const existing = this.executions.get(executionArn);
      if (existing) {
        if (existing.status === 'RUNNING' && existing.input === rawInput) {
          return { executionArn, startDate: existing.startDate };
        }
        throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      return this.launch(machine, executionArn, name, rawInput, parsed.value);
    });
  }

  /** SendTaskSuccess: completes the task with `output` (JSON) if its token is still open. */
  sendTaskSuccess(input: SendTaskSuccessInput): Promise<SendTaskSuccessOutput> {
    return this.logged('SendTaskSuccess', { taskToken: input.taskToken }, (call) => {
      const parsed = parseJson(input.output ?? '');
      if (!parsed.ok) throw new SfnApiError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
      const task = this.claim(input.taskToken, call);
      task.close('succeeded', { output: parsed.value });
      return {};
    });
  }

  /** SendTaskFailure: fails the task with `error`/`cause` (matched by the state's Retry/Catch) if still open. */
  sendTaskFailure(input: SendTaskFailureInput): Promise<SendTaskFailureOutput> {
    return this.logged('SendTaskFailure', { taskToken: input.taskToken, error: input.error }, (call) => {
      const task = this.claim(input.taskToken, call);
      task.close('failed', { error: stateError(input.error ?? '', input.cause ?? '') });
      return {};
    });
  }

  /** StopExecution: ABORTED, every token of the execution dies, pending waits and tasks are cancelled. */
  stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    return this.logged('StopExecution', { executionArn: input.executionArn, error: input.error }, () => {
      const execution = this.execution(input.executionArn);
      // A closed execution keeps its outcome; the call still answers with its stop date.
      this.close(
        execution,
        {
          status: 'ABORTED',
          ...(input.error === undefined ? {} : { error: input.error }),
          ...(input.cause === undefined ? {} : { cause: input.cause }),
        },
        'stopped',
      );
      return { stopDate: execution.stopDate ?? new Date(this.clock.now()) };
    });
  }

  /** DescribeExecution, shaped as the SDK returns it (dates as Date). */
  describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    return this.logged('DescribeExecution', { executionArn: input.executionArn }, () => {
      const execution = this.execution(input.executionArn);
      return {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate,
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
        ...(execution.output === undefined ? {} : { output: execution.output, outputDetails: { included: true } }),
        ...(execution.error === undefined ? {} : { error: execution.error }),
        ...(execution.cause === undefined ? {} : { cause: execution.cause }),
      };
    });
  }

  /** ListExecutions of one state machine, newest first; `nextToken` is an offset. */
  listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    return this.logged('ListExecutions', { stateMachineArn: input.stateMachineArn }, () => {
      const arn = input.stateMachineArn ?? '';
      if (!this.machines.has(arn)) {
        throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
      }
      const matching = [...this.executions.values()]
        .filter((execution) => execution.stateMachineArn === arn)
        .filter((execution) => !input.statusFilter || execution.status === input.statusFilter)
        .reverse();
      const offset = Number(input.nextToken ?? 0) || 0;
      const limit = input.maxResults && input.maxResults > 0 ? input.maxResults : 100;
      const page = matching.slice(offset, offset + limit).map(
        (execution): ExecutionListItem => ({
          executionArn: execution.executionArn,
          stateMachineArn: execution.stateMachineArn,
          name: execution.name,
          status: execution.status,
          startDate: execution.startDate,
          ...(execution.stopDate ? { stopDate: execution.stopDate } : {}),
        }),
      );
      return offset + limit < matching.length
        ? { executions: page, nextToken: String(offset + limit) }
        : { executions: page };
    });
  }

  /** Every API call so far, in the order they were answered. */
  callLog(): readonly SfnCall[] {
    return [...this.calls];
  }

  /** Callback tasks whose token is still open. */
  openTasks(): TaskInfo[] {
    return [...this.tasks.values()]
      .filter((task) => task.status === 'open')
      .map(({ token, executionArn, stateName, status, openedAt }) => ({
        token,
        executionArn,
        stateName,
        status,
        openedAt,
      }));
  }

  /**
   * Resolves once no Lambda invocation is in progress and the library has moved every run as far as it can: each
   * execution is closed or waits for a callback or for the virtual clock (Wait, Retry pause, TimeoutSeconds).
   */
  async idle(): Promise<void> {
    for (;;) {
      // The library moves between states in microtasks only: after a macrotask, every run is parked in a handler.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.busy === 0) return;
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Aborts every running execution (ABORTED, tokens dead, timers cleared) and refuses new ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const execution of this.executions.values()) {
      this.close(execution, { status: 'ABORTED', error: 'abdi.EmulatorStopped' }, 'emulatorStopped');
    }
    // Lets the library observe the rejections and clear its per-task timers.
    await new Promise((resolve) => setImmediate(resolve));
  }

  private async logged<T>(
    operation: SfnOperation,
    input: Record<string, unknown>,
    run: (call: SfnCall) => T | Promise<T>,
  ): Promise<T> {
    const call: SfnCall = { at: this.clock.now(), operation, input, outcome: { ok: true } };
    try {
      // `run` starts synchronously: token checks happen before this method yields.
      const result = await run(call);
      this.calls.push(call);
      return result;
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      call.outcome = { ok: false, error: name, message };
      this.calls.push(call);
      throw error;
    }
  }

  /** Checks a token and returns its open task; the caller closes it in the same synchronous step. */
  private claim(token: string | undefined, call: SfnCall): TaskRecord {
    if (!token || !TOKEN_FORMAT.test(token)) throw new SfnApiError('InvalidToken', "Invalid Token: 'Invalid token'");
    const task = this.tasks.get(token);
    if (!task) throw new SfnApiError('TaskDoesNotExist', 'Task Does Not Exist: the token was not issued here');
    call.task = { executionArn: task.executionArn, stateName: task.stateName, status: task.status };
    if (task.status !== 'open') {
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return task;
  }

  private execution(executionArn: string | undefined): ExecutionRecord {
    const arn = executionArn ?? '';
    if (!EXECUTION_ARN.test(arn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn}'`);
    const execution = this.executions.get(arn);
    if (!execution) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  private executionArn(spec: StateMachineSpec, name: string): string {
    const parsed = /^(arn:aws[a-z-]*:states:[^:]*:[^:]*):stateMachine:([^:]+)$/.exec(spec.arn);
    if (parsed) return `${parsed[1]}:execution:${parsed[2]}:${name}`;
    return `arn:aws:states:${this.region}:${this.accountId}:execution:${spec.name}:${name}`;
  }

  private launch(
    machine: { spec: StateMachineSpec; compiled: CompiledMachine },
    executionArn: string,
    name: string,
    rawInput: string,
    input: Json,
  ): StartedExecution {
    const startDate = new Date(this.clock.now());
    const execution: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.spec.arn,
      name,
      input: rawInput,
      status: 'RUNNING',
      startDate,
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: startDate.toISOString() },
        StateMachine: { Id: machine.spec.arn, Name: machine.spec.name },
        Task: { Token: this.tokenPlaceholder },
      },
      root: new Scope(),
      closed: new AbortController(),
    };
    this.executions.set(executionArn, execution);
    this.startRun(execution, execution.root, machine.compiled.root, input).then(
      (output) => this.close(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }, 'executionEnded'),
      (error: unknown) => {
        // A cancelled root was closed by whoever cancelled it (stop, timeout).
        if (error instanceof CancelledError) return;
        const { name: errorName, message } = error instanceof Error ? error : new Error(String(error));
        this.close(execution, { status: 'FAILED', error: errorName, cause: message }, 'executionEnded');
      },
    );
    const timeoutSeconds = machine.compiled.timeoutSeconds;
    if (timeoutSeconds !== undefined) {
      this.clock.sleepUntil(startDate.getTime() + timeoutSeconds * 1000, execution.closed.signal).then(
        () => this.close(execution, { status: 'TIMED_OUT', error: 'States.Timeout' }, 'executionTimedOut'),
        () => {},
      );
    }
    return { executionArn, startDate };
  }

  private close(
    execution: ExecutionRecord,
    outcome: { status: ExecutionStatus; output?: string; error?: string; cause?: string },
    reason: CancelReason,
  ): void {
    if (execution.status !== 'RUNNING') return;
    Object.assign(execution, outcome, { stopDate: new Date(this.clock.now()) });
    execution.closed.abort();
    execution.root.cancel(reason);
  }

  /** Starts a library run of `level` inside `scope`; `done` settles with its output or its state error. */
  private startRun(execution: ExecutionRecord, scope: Scope, level: CompiledLevel, input: Json): Promise<Json> {
    const handlers = Object.fromEntries(
      [...level.states].map(([name, state]) => [
        name,
        (stateInput: Json) => this.runState(execution, scope, state, stateInput),
      ]),
    );
    const run = level.machine.run(input, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: level.retryPauseOverrides },
      context: execution.context,
    });
    scope.abortRun = run.abort;
    return run.result.then(
      (output) => {
        scope.detach();
        return output as Json;
      },
      (error: unknown) => {
        scope.detach();
        throw this.unwrap(error, scope);
      },
    );
  }

  /** The state error behind a library run's rejection. */
  private unwrap(error: unknown, scope: Scope): unknown {
    if (error instanceof ExecutionError) return error.cause;
    if (error instanceof ExecutionAbortedError) return scope.signal.reason ?? new CancelledError('branchCancelled');
    return error;
  }

  /** Local handler of every emulated state: cancellation check, Retry pause on the virtual clock, then the work. */
  private async runState(execution: ExecutionRecord, scope: Scope, state: CompiledState, input: Json): Promise<Json> {
    const retry = scope.retries.get(state.name);
    if (retry?.pauseMs !== undefined) {
      const pause = retry.pauseMs;
      retry.pauseMs = undefined;
      await this.clock.sleepUntil(this.clock.now() + pause, scope.signal);
    }
    // Nothing starts in a cancelled run, even if the library re-enters a state after its abort.
    if (scope.signal.aborted) throw scope.signal.reason;
    const record = retry ?? { attempts: state.retry.map(() => 0) };
    scope.retries.set(state.name, record);
    try {
      const output = await this.perform(execution, scope, state, input);
      scope.retries.delete(state.name);
      return output;
    } catch (error) {
      const pauseMs = this.retryPause(state.retry, record, error);
      if (pauseMs === undefined) scope.retries.delete(state.name);
      else record.pauseMs = pauseMs;
      throw error;
    }
  }

  private perform(execution: ExecutionRecord, scope: Scope, state: CompiledState, input: Json): Promise<Json> {
    switch (state.kind) {
      case 'lambda':
        return this.bounded(scope, state.timeoutSeconds, async (signal) => {
          const { functionName, payload } =
            state.target === 'invoke'
              ? invokeParameters(input)
              : { functionName: state.target.functionArn, payload: input };
          const result = await abortable(this.callFunction(functionName, payload), signal);
          if (!result.ok) throw functionError(result);
          return state.target === 'invoke' ? invokeOutput(result) : ((result.payload ?? null) as Json);
        });
      case 'callback':
        return this.bounded(scope, state.timeoutSeconds, (signal) =>
          this.awaitCallback(execution, state.name, input, signal),
        );
      case 'wait':
        return this.wait(execution, scope, state, input);
      case 'parallel':
        return this.parallel(execution, scope, state.branches, input);
      case 'map':
        return this.map(execution, scope, state, input);
    }
  }

  /**
   * Runs `work` with a signal that aborts when the scope is cancelled or, with TimeoutSeconds, when the virtual
   * clock passes the deadline (then with the library's own `States.Timeout` error).
   */
  private async bounded(
    scope: Scope,
    timeoutSeconds: number | undefined,
    work: (signal: AbortSignal) => Promise<Json>,
  ): Promise<Json> {
    const task = new AbortController();
    const onScopeAbort = () => task.abort(scope.signal.reason);
    scope.signal.addEventListener('abort', onScopeAbort, { once: true });
    const TimeoutError = this.TimeoutError;
    if (timeoutSeconds !== undefined && TimeoutError) {
      this.clock.sleepUntil(this.clock.now() + timeoutSeconds * 1000, task.signal).then(
        () => task.abort(new TimeoutError()),
        () => {},
      );
    }
    try {
      return await work(task.signal);
    } finally {
      scope.signal.removeEventListener('abort', onScopeAbort);
      task.abort();
    }
  }

  /** A `.waitForTaskToken` attempt: a fresh token, the Lambda invoked with it, then the callback (or abort). */
  private awaitCallback(execution: ExecutionRecord, stateName: string, parameters: Json, signal: AbortSignal) {
    const { promise, resolve, reject } = Promise.withResolvers<Json>();
    const token = mintToken();
    const { functionName, payload } = invokeParameters(withToken(parameters, this.tokenPlaceholder, token));
    const onAbort = () => {
      const reason: unknown = signal.reason;
      const status = reason instanceof CancelledError ? reason.reason : 'timedOut';
      task.close(status, { error: reason });
    };
    const task: TaskRecord = {
      token,
      executionArn: execution.executionArn,
      stateName,
      status: 'open',
      openedAt: this.clock.now(),
      close: (status, outcome) => {
        if (task.status !== 'open') return false;
        task.status = status;
        signal.removeEventListener('abort', onAbort);
        if ('output' in outcome) resolve(outcome.output);
        else reject(outcome.error);
        return true;
      },
    };
    this.tasks.set(token, task);
    signal.addEventListener('abort', onAbort, { once: true });
    // A function error fails the task unless a callback already closed it; a later answer is ignored.
    this.callFunction(functionName, payload).then(
      (result) => {
        if (!result.ok) task.close('failed', { error: functionError(result) });
      },
      (error: unknown) => task.close('failed', { error }),
    );
    return promise;
  }

  private async wait(
    execution: ExecutionRecord,
    scope: Scope,
    state: Extract<CompiledState, { kind: 'wait' }>,
    input: Json,
  ): Promise<Json> {
    let until = this.clock.now();
    if (state.seconds !== undefined) until += state.seconds * 1000;
    else if (state.timestamp !== undefined) until = Date.parse(state.timestamp);
    else if (state.path) {
      const run = state.path.resolver.run(input, { context: execution.context });
      const resolved = await run.result.then(
        (output) => (output as { value?: unknown }).value,
        (error: unknown) => {
          throw this.unwrap(error, scope);
        },
      );
      if (state.path.type === 'seconds') {
        if (typeof resolved !== 'number' || !Number.isInteger(resolved) || resolved < 0) {
          throw stateError('States.Runtime', `SecondsPath of ${state.name} is not a non-negative integer`, {
            terminal: true,
          });
        }
        until += resolved * 1000;
      } else {
        if (typeof resolved !== 'string' || !RFC3339.test(resolved)) {
          throw stateError('States.Runtime', `TimestampPath of ${state.name} is not an RFC 3339 timestamp`, {
            terminal: true,
          });
        }
        until = Date.parse(resolved);
      }
    }
    await this.clock.sleepUntil(until, scope.signal);
    return input;
  }

  /** Each branch runs in its own scope; the first failure cancels the others before anything else runs. */
  private async parallel(execution: ExecutionRecord, scope: Scope, branches: CompiledLevel[], input: Json) {
    const children = branches.map((level) => {
      const child = new Scope(scope);
      return { child, done: this.startRun(execution, child, level, input) };
    });
    try {
      return (await Promise.all(children.map(({ done }) => done))) as Json;
    } finally {
      for (const { child } of children) child.cancel('branchCancelled');
    }
  }

  /** The library's Map (ItemsPath, ItemSelector, MaxConcurrency) over a stand-in task that runs each item's scope. */
  private async map(
    execution: ExecutionRecord,
    scope: Scope,
    state: Extract<CompiledState, { kind: 'map' }>,
    input: Json,
  ): Promise<Json> {
    const items: Scope[] = [];
    let open = true;
    const runItem = async (item: Json) => {
      if (!open || scope.signal.aborted) throw new CancelledError('branchCancelled');
      const child = new Scope(scope);
      items.push(child);
      return this.startRun(execution, child, state.items, item);
    };
    const fanOut = state.fanOut.run(input, {
      overrides: { taskResourceLocalHandlers: { [MAP_ITEM_STATE]: runItem } },
      context: execution.context,
    });
    const onAbort = () => fanOut.abort();
    scope.signal.addEventListener('abort', onAbort, { once: true });
    try {
      return (await fanOut.result) as Json;
    } catch (error) {
      throw this.unwrap(error, scope);
    } finally {
      open = false;
      scope.signal.removeEventListener('abort', onAbort);
      for (const child of items) child.cancel('branchCancelled');
    }
  }

  private async callFunction(functionName: string, payload: Json): Promise<InvokeResult> {
    this.busy += 1;
    try {
      return await this.invoker.invoke(functionName, payload);
    } catch (error) {
      // The invoker itself failed (not the function): what Lambda's service errors look like to Step Functions.
      throw stateError('Lambda.ServiceException', error instanceof Error ? error.message : String(error));
    } finally {
      this.settleBusy();
    }
  }

  private settleBusy(): void {
    this.busy -= 1;
    if (this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * The pause before the library's next attempt, mirroring its retrier choice and counters (first retrier that
   * matches; `States.TaskFailed` matches all but timeouts), or undefined when it will not retry.
   */
  private retryPause(retriers: Retrier[], record: RetryRecord, error: unknown): number | undefined {
    const { name, isRetryable } = error as { name?: string; isRetryable?: boolean };
    if (isRetryable === false) return undefined;
    const isTimeout = this.TimeoutError !== undefined && error instanceof this.TimeoutError;
    for (const [index, retrier] of retriers.entries()) {
      const matches = retrier.ErrorEquals.some(
        (equals) => equals === name || equals === 'States.ALL' || (equals === 'States.TaskFailed' && !isTimeout),
      );
      if (!matches) continue;
      const attempts = record.attempts[index] ?? 0;
      if (attempts >= (retrier.MaxAttempts ?? 3)) return undefined;
      record.attempts[index] = attempts + 1;
      let seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempts;
      if (retrier.MaxDelaySeconds) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
      let ms = seconds * 1000;
      if (retrier.JitterStrategy === 'FULL') ms = Math.floor(Math.random() * (ms + 1));
      return ms * this.retryDelayScale;
    }
    return undefined;
  }
}
