import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/** Error codes the emulated Step Functions API answers with (the SDK turns each into `error.name`). */
export type SfnErrorCode =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException';

/** An error of the Step Functions API, answered as HTTP 400 by the server. */
export class SfnApiError extends Error {
  constructor(
    readonly code: SfnErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * An error raised inside a state, shaped as the library reads it: `name` is the ASL error name matched by
 * Retry/Catch, `message` the Cause. `isRetryable`/`isCatchable` are read by the library with `?? true`.
 */
export const stateError = (name: string, cause: string, options?: { terminal?: boolean }): Error => {
  const error = new Error(cause);
  error.name = name;
  if (options?.terminal) Object.assign(error, { isRetryable: false, isCatchable: false });
  return error;
};

/** Why a scope of an execution was cancelled; also the reason a task token died. */
export type CancelReason = 'branchCancelled' | 'stopped' | 'executionEnded' | 'executionTimedOut' | 'emulatorStopped';

/**
 * Rejection of every pending wait and task of a cancelled scope. Neither retryable nor catchable, so the library
 * lets it through without running Retry or Catch in a branch that no longer exists.
 */
export class CancelledError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(readonly reason: CancelReason) {
    super(`cancelled: ${reason}`);
    this.name = 'abdi.Cancelled';
  }
}

let timeoutErrorClass: Promise<new () => Error> | undefined;

/**
 * The library's own `States.Timeout` error class, which it does not export. Its Retry/Catch logic excludes
 * timeouts from `States.TaskFailed` by `instanceof`, so the emulator's virtual-clock timeouts must be instances.
 * Obtained once by letting a throwaway task time out after 1 ms.
 */
export const statesTimeoutErrorClass = (): Promise<new () => Error> => {
  timeoutErrorClass ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
            TimeoutSeconds: 0.001,
            End: true,
          },
        },
      } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const run = probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } });
    const outcome = await run.result.then(
      () => undefined,
      (error: unknown) => error,
    );
    if (
      outcome instanceof ExecutionError &&
      outcome.cause instanceof Error &&
      outcome.cause.name === 'States.Timeout'
    ) {
      return outcome.cause.constructor as new () => Error;
    }
    throw new Error('aws-local-stepfunctions did not raise States.Timeout as expected');
  })();
  return timeoutErrorClass;
};
