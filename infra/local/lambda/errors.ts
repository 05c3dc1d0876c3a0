import type { RuntimeError } from './protocol.ts';

/*
 * Error reporting as the Lambda Node.js runtime interface client does it (aws-lambda-nodejs-runtime-interface-client,
 * the rewrite used by nodejs24.x: src/utils/error.ts, src/utils/errors.ts, src/utils/serialize.ts). Step Functions
 * Retry/Catch match on `errorType`, so it must be what Lambda reports.
 */

/** An error the runtime itself raises, named `Runtime.<kind>` as the runtime names it. */
export class RuntimeFailure extends Error {
  constructor(kind: string, message: string, stack?: string) {
    super(message);
    this.name = `Runtime.${kind}`;
    if (stack !== undefined) this.stack = stack;
  }
}

/** `errorType` is the error's `name` (no fallback to the constructor's name); a non-Error is reported by `typeof`. */
export const formatError = (error: unknown): RuntimeError => {
  try {
    if (error instanceof Error) {
      // The runtime escapes DEL, which would break the header Lambda carries the error type in.
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack?.replaceAll('\x7F', '%7F').split('\n') ?? [],
      };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
};

/** The response body the runtime posts: `undefined` becomes `null`; what JSON cannot hold fails the invocation. */
export const serializeResponse = (result: unknown): string => {
  let body: string | undefined;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch {
    throw new RuntimeFailure('JSONStringifyError', 'Unable to stringify response body');
  }
  // A function or symbol stringifies to nothing; the runtime would post an empty body, which callers read as null.
  const payload = body ?? 'null';
  // Lambda refuses a synchronous response over 6 MB (6,291,556 bytes with its envelope).
  if (Buffer.byteLength(payload) > 6 * 1024 * 1024) {
    const error = new RuntimeFailure(
      '',
      'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    );
    error.name = 'Function.ResponseSizeTooLarge';
    throw error;
  }
  return payload;
};
