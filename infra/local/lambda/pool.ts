import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Clock, FaultPlan, FunctionSpec, InvokeResult, Invoker, LogSink } from '../types.ts';
import { sandboxEnvironment } from './environment.ts';
import type { InvokeMessage, RuntimeError, SandboxInit, SandboxMessage } from './protocol.ts';

const SANDBOX_ENTRY = new URL('./worker.ts', import.meta.url);
/** Lambda's limit on the init phase of an on-demand sandbox. */
const INIT_TIMEOUT_MS = 10_000;
// Lambda's Invoke accepts a name, `name:qualifier`, a partial ARN (`account:function:name`) or a full ARN.
const FUNCTION_REFERENCE =
  /^(?:arn:aws[a-z-]*:lambda:(?<region>[a-z0-9-]+):)?(?:(?<account>\d{12}):function:)?(?<name>[\w-]+)(?::(?<qualifier>[\w$-]+))?$/;

/** Options of {@link LambdaRuntime}. */
export interface LambdaRuntimeOptions {
  functions: FunctionSpec[];
  clock: Clock;
  faults: FaultPlan;
  logs: LogSink;
  /** Added to every function's environment: local endpoint URLs, dummy credentials. */
  runtimeEnv: Record<string, string>;
  /** @default 'ap-southeast-3' (the stack's default region) */
  region?: string;
  /** Account of the ARNs accepted by `invoke`. @default '000000000000' */
  accountId?: string;
  /** Sandboxes (worker threads) per function; further concurrent invocations queue. @default 8 */
  maxWorkersPerFunction?: number;
}

/** Counters of one function. */
export interface FunctionStats {
  /** Live sandboxes, busy or idle. */
  workers: number;
  busy: number;
  /** Invocations waiting for a sandbox. */
  queued: number;
  invocations: number;
  coldStarts: number;
}

/** Lambda's limit on a synchronous invocation's request and response payloads. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The Lambda service's answer for a payload over the synchronous limit (an API error, not a function error). */
export class RequestTooLargeException extends Error {
  override name = 'RequestTooLargeException';
}

/** The Lambda service's answer for a function it does not have (an API error, not a function error). */
export class ResourceNotFoundException extends Error {
  override name = 'ResourceNotFoundException';
}

/**
 * Runs each function's real bundle the way Lambda does: every sandbox is a worker thread with the function's own
 * environment, running one invocation at a time; concurrent invocations get more sandboxes (cold starts) up to a
 * limit, then queue. The template's timeout is enforced in real time and resets the sandbox, as on Lambda; errors
 * come back with the `errorType` Lambda reports.
 *
 * Constructing it sets the process's `TZ` to UTC: the time zone is process-wide (a worker cannot have its own), and
 * Lambda runs in UTC, so handler code must not see the developer's zone.
 */
export class LambdaRuntime implements Invoker {
  readonly #pools = new Map<string, FunctionPool>();
  readonly #byName = new Map<string, FunctionPool>();
  readonly #region: string;
  readonly #accountId: string;
  #stopped = false;

  constructor(options: LambdaRuntimeOptions) {
    if (!process.features.typescript) {
      throw new Error(
        `the Lambda runtime starts its sandboxes from TypeScript: it needs Node 24 (this is ${process.version})`,
      );
    }
    process.env.TZ = 'UTC';
    this.#region = options.region ?? 'ap-southeast-3';
    this.#accountId = options.accountId ?? '000000000000';
    for (const spec of options.functions) {
      const pool = new FunctionPool(spec, {
        clock: options.clock,
        faults: options.faults,
        logs: options.logs,
        maxWorkers: options.maxWorkersPerFunction ?? 8,
        environment: () =>
          sandboxEnvironment(spec, {
            region: this.#region,
            runtimeEnv: options.runtimeEnv,
            startedAt: options.clock.now(),
          }),
      });
      this.#byName.set(spec.functionName, pool);
      for (const key of [spec.functionName, spec.arn, spec.logicalId]) this.#pools.set(key, pool);
    }
  }

  /**
   * Invokes a function (RequestResponse) by name, ARN or logical id and waits for its answer. Function errors,
   * timeouts and crashes resolve as `ok: false`; an unknown function rejects with ResourceNotFoundException.
   */
  async invoke(functionNameOrArn: string, event: unknown): Promise<InvokeResult> {
    if (this.#stopped) throw new Error('the Lambda runtime is stopped');
    const { pool, invokedFunctionArn } = this.#resolve(functionNameOrArn);
    // Lambda delivers the JSON of the payload; an Invoke without payload gives `{}`.
    const payload = event === undefined ? '{}' : JSON.stringify(event);
    // Lambda's synchronous invocation limit (6 MB each way): an API request of 6-10 MB passes the gateway's 10 MB
    // check but fails here, as on AWS.
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new RequestTooLargeException(
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      );
    }
    const result = await pool.run({ requestId: randomUUID(), invokedFunctionArn, event: payload });
    if (this.#stopped) throw new Error('the Lambda runtime was stopped during the invocation');
    return result;
  }

  /** Terminates every sandbox; queued invocations reject. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#byName.values()].map((pool) => pool.stop()));
  }

  /** Sandboxes and counters per function name. */
  stats(): Record<string, FunctionStats> {
    return Object.fromEntries([...this.#byName].map(([name, pool]) => [name, pool.stats()]));
  }

  #resolve(reference: string): { pool: FunctionPool; invokedFunctionArn: string } {
    const exact = this.#pools.get(reference);
    if (exact) return { pool: exact, invokedFunctionArn: reference.startsWith('arn:') ? reference : exact.spec.arn };
    const parts = FUNCTION_REFERENCE.exec(reference)?.groups;
    const pool = parts?.name === undefined ? undefined : this.#byName.get(parts.name);
    const elsewhere =
      (parts?.region !== undefined && parts.region !== this.#region) ||
      (parts?.account !== undefined && parts.account !== this.#accountId) ||
      // Versions and aliases are not emulated: only the unpublished code exists.
      (parts?.qualifier !== undefined && parts.qualifier !== '$LATEST');
    if (!pool || elsewhere) throw new ResourceNotFoundException(`Function not found: ${reference}`);
    const qualifier = parts?.qualifier === undefined ? '' : `:${parts.qualifier}`;
    return { pool, invokedFunctionArn: reference.startsWith('arn:') ? reference : pool.spec.arn + qualifier };
  }
}

type Invocation = Omit<InvokeMessage, 'clockOffsetMs' | 'deadlineMs'>;

type SandboxEvent = SandboxMessage | { type: 'exit'; code: number } | { type: 'timeout' };

interface Waiter {
  requestId: string;
  resolve(sandbox: Sandbox): void;
  reject(error: unknown): void;
}

/** The sandboxes of one function, their FIFO queue of waiting invocations, and its counters. */
class FunctionPool {
  readonly spec: FunctionSpec;
  readonly #clock: Clock;
  readonly #faults: FaultPlan;
  readonly #logs: LogSink;
  readonly #maxWorkers: number;
  readonly #environment: () => Record<string, string>;
  readonly #sandboxes = new Set<Sandbox>();
  readonly #idle: Sandbox[] = [];
  readonly #waiting: Waiter[] = [];
  #busy = 0;
  #invocations = 0;
  #coldStarts = 0;

  constructor(
    spec: FunctionSpec,
    options: {
      clock: Clock;
      faults: FaultPlan;
      logs: LogSink;
      maxWorkers: number;
      environment: () => Record<string, string>;
    },
  ) {
    this.spec = spec;
    this.#clock = options.clock;
    this.#faults = options.faults;
    this.#logs = options.logs;
    this.#maxWorkers = options.maxWorkers;
    this.#environment = options.environment;
  }

  async run(invocation: Invocation): Promise<InvokeResult> {
    this.#invocations++;
    const { requestId } = invocation;
    if (this.#takeInjectedFault()) {
      const errorMessage = `Injected fault: ${this.spec.functionName} throws once (faults.lambda.throwOnce)`;
      return {
        ok: false,
        errorType: 'Error',
        errorMessage,
        trace: [`Error: ${errorMessage}`],
        durationMs: 0,
        requestId,
      };
    }
    const startedAt = performance.now();
    const fail = (error: RuntimeError): InvokeResult => ({
      ok: false,
      ...error,
      durationMs: performance.now() - startedAt,
      requestId,
    });
    let sandbox: Sandbox;
    try {
      sandbox = await this.#acquire(requestId);
    } catch (error) {
      if (error instanceof InitFailure) return fail(error.runtimeError);
      throw error;
    }

    this.#busy++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const outcome = sandbox.next(timeoutMs);
    const dispatchedAt = performance.now();
    sandbox.worker.postMessage({
      ...invocation,
      clockOffsetMs: this.#clock.offset(),
      deadlineMs: Date.now() + timeoutMs,
    } satisfies InvokeMessage);
    const event = await outcome;
    this.#busy--;
    const durationMs = performance.now() - dispatchedAt;

    if (event.type === 'response') {
      this.#release(sandbox);
      return { ok: true, payload: JSON.parse(event.payload), durationMs, requestId };
    }
    if (event.type === 'error') {
      // A function error leaves the sandbox warm, as on Lambda.
      this.#release(sandbox);
      return { ok: false, ...event.error, durationMs, requestId };
    }
    this.#discard(sandbox);
    if (event.type === 'timeout') {
      const seconds = this.spec.timeoutSeconds.toFixed(2);
      return {
        ok: false,
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
        trace: [],
        // Lambda bills and reports the whole timeout; a timer may fire a fraction of a millisecond early here.
        durationMs: Math.max(durationMs, timeoutMs),
        requestId,
      };
    }
    if (event.type === 'exit') return { ok: false, ...exitError(requestId, event), durationMs, requestId };
    throw new Error(`sandbox of ${this.spec.functionName} sent ${event.type} during an invocation`);
  }

  async stop(): Promise<void> {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error('the Lambda runtime is stopped'));
    await Promise.all([...this.#sandboxes].map((sandbox) => sandbox.terminate()));
  }

  stats(): FunctionStats {
    return {
      workers: this.#sandboxes.size,
      busy: this.#busy,
      queued: this.#waiting.length,
      invocations: this.#invocations,
      coldStarts: this.#coldStarts,
    };
  }

  #takeInjectedFault(): boolean {
    const throwOnce = this.#faults.lambda.throwOnce;
    // Only the entry that matched is used up.
    return throwOnce.delete(this.spec.functionName) || throwOnce.delete(this.spec.logicalId);
  }

  /** A warm sandbox if one is idle, else a new one if the limit allows, else the next one freed (FIFO). */
  #acquire(requestId: string): Promise<Sandbox> {
    const warm = this.#idle.pop();
    if (warm) return Promise.resolve(warm);
    if (this.#sandboxes.size < this.#maxWorkers) return this.#coldStart(requestId);
    return new Promise((resolve, reject) => this.#waiting.push({ requestId, resolve, reject }));
  }

  #release(sandbox: Sandbox) {
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve(sandbox);
    else this.#idle.push(sandbox);
  }

  /** Drops a sandbox that is gone or must be reset; a queued invocation takes its place with a fresh one. */
  #discard(sandbox: Sandbox) {
    if (!this.#sandboxes.delete(sandbox)) return;
    const idle = this.#idle.indexOf(sandbox);
    if (idle >= 0) this.#idle.splice(idle, 1);
    void sandbox.terminate();
    const waiter = this.#waiting.shift();
    if (waiter) this.#coldStart(waiter.requestId).then(waiter.resolve, waiter.reject);
  }

  async #coldStart(requestId: string): Promise<Sandbox> {
    const sandbox = new Sandbox(
      new Worker(SANDBOX_ENTRY, {
        name: this.spec.functionName,
        // Node applies the per-thread options of this env's NODE_OPTIONS (`--enable-source-maps`, `--require`, ...)
        // to the worker, as Lambda applies the function's NODE_OPTIONS; per-process ones are ignored, and those a
        // worker refuses (`--title`) throw ERR_WORKER_INVALID_EXEC_ARGV here.
        env: this.#environment(),
        workerData: {
          taskRoot: this.spec.assetDir,
          handler: this.spec.handler,
          clockOffsetMs: this.#clock.offset(),
        } satisfies SandboxInit,
        // The sandbox loads through Node's own loader, without the parent's flags or loaders (tsx, vitest).
        execArgv: [],
        stdout: true,
        stderr: true,
      }),
      {
        log: (stream, line) =>
          this.#logs.write({ functionName: this.spec.functionName, stream, line, time: this.#clock.now() }),
        exited: (sandbox) => this.#discard(sandbox),
      },
    );
    this.#sandboxes.add(sandbox);
    this.#coldStarts++;
    const event = await sandbox.next(INIT_TIMEOUT_MS);
    if (event.type === 'ready') return sandbox;
    this.#discard(sandbox);
    if (event.type === 'initError') throw new InitFailure(event.error);
    if (event.type === 'timeout') {
      throw new InitFailure({
        errorType: 'Sandbox.Timedout',
        errorMessage: `RequestId: ${requestId} Error: Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
        trace: [],
      });
    }
    if (event.type === 'exit') throw new InitFailure(exitError(requestId, event));
    throw new Error(`sandbox of ${this.spec.functionName} sent ${event.type} before it was ready`);
  }
}

/** A sandbox that did not come up: the invocation fails with the init error, as on Lambda. */
class InitFailure extends Error {
  readonly runtimeError: RuntimeError;
  constructor(runtimeError: RuntimeError) {
    super(runtimeError.errorMessage);
    this.runtimeError = runtimeError;
  }
}

/** What Lambda reports when the runtime process ends in the middle of an invocation. */
const exitError = (requestId: string, { code }: { code: number }): RuntimeError => ({
  errorType: 'Runtime.ExitError',
  errorMessage:
    code === 0
      ? `RequestId: ${requestId} Error: Runtime exited without providing a reason`
      : `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}`,
  trace: [],
});

/** One worker thread and the next thing it reports: a message, its exit, or the timeout the caller set. */
class Sandbox {
  readonly worker: Worker;
  #settle: ((event: SandboxEvent) => void) | undefined;
  #exited = false;

  constructor(
    worker: Worker,
    hooks: { log: (stream: 'stdout' | 'stderr', line: string) => void; exited: (sandbox: Sandbox) => void },
  ) {
    this.worker = worker;
    forwardLines(worker.stdout, (line) => hooks.log('stdout', line));
    forwardLines(worker.stderr, (line) => hooks.log('stderr', line));
    worker.on('message', (message: SandboxMessage) => this.#deliver(message));
    // An uncaught exception ends the thread; Node would print it to stderr, where Lambda's logs would show it.
    worker.on('error', (error) => {
      for (const line of String(error instanceof Error ? error.stack : error).split('\n')) hooks.log('stderr', line);
    });
    worker.on('exit', (code) => {
      this.#exited = true;
      this.#deliver({ type: 'exit', code });
      hooks.exited(this);
    });
  }

  /** Waits for the sandbox's next report, or `timeout` after `timeoutMs` of real time (the sandbox is then reset). */
  next(timeoutMs: number): Promise<SandboxEvent> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#deliver({ type: 'timeout' }), timeoutMs);
      this.#settle = (event) => {
        clearTimeout(timer);
        resolve(event);
      };
    });
  }

  async terminate(): Promise<void> {
    if (this.#exited) return;
    // The exit event follows; terminate() itself rejects only if the thread is already gone.
    await this.worker.terminate().catch(() => undefined);
  }

  #deliver(event: SandboxEvent) {
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(event);
  }
}

const forwardLines = (stream: Readable, write: (line: string) => void) => {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', write);
};
