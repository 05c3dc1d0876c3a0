/** Messages between the Lambda runtime (parent thread) and one sandbox worker. */

/** What a sandbox needs before it imports the bundle. */
export interface SandboxInit {
  /** The function's asset directory (LAMBDA_TASK_ROOT). */
  taskRoot: string;
  /** `Handler` from the template, e.g. `index.handler`. */
  handler: string;
  /** The virtual clock's offset at start, so module-level `new Date()` already sees virtual time. */
  clockOffsetMs: number;
}

/** An error as the runtime interface client posts it to the Runtime API. */
export interface RuntimeError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

/** One invocation, sent to an idle sandbox. */
export interface InvokeMessage {
  requestId: string;
  invokedFunctionArn: string;
  /** The event as JSON: Lambda hands functions a parsed copy, never the caller's object. */
  event: string;
  clockOffsetMs: number;
  /** Real epoch ms at which the invocation times out (getRemainingTimeInMillis counts down to it). */
  deadlineMs: number;
}

export type SandboxMessage =
  | { type: 'ready' }
  | { type: 'initError'; error: RuntimeError }
  /** `payload` is the JSON the runtime would post as the response body. */
  | { type: 'response'; requestId: string; payload: string }
  | { type: 'error'; requestId: string; error: RuntimeError };
