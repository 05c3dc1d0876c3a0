import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * The invocation's deadline, for the code that retries (the SDK clients' retry strategy, `transact`, `batchGetItems`,
 * the steps after a commit). A retry that cannot finish before the function times out only turns a clean 503 into
 * API Gateway's bare 500, so retries stop while there is still time to answer.
 *
 * Lambda tells the time left only through the invocation's context (no environment variable holds the timeout), so
 * the HTTP middleware stack records the context when an invocation starts ({@link invocationDeadline}). Outside an
 * invocation that recorded one (task Lambdas, scripts, unit tests) there is no deadline: attempts and delays are
 * still bounded by count.
 */

/** Kept free after the last call to answer: map the error, log, flush metrics. */
export const ANSWER_RESERVE_MS = 500;
/** The least time worth giving one more attempt: DynamoDB answers in milliseconds, a loaded emulator in hundreds. */
export const MIN_ATTEMPT_MS = 1_000;

let timeLeft: (() => number) | undefined;

/** Records (or, without a context, forgets) the invocation whose time the retries must fit in. */
export const setInvocationContext = (context: Partial<Pick<Context, 'getRemainingTimeInMillis'>> | undefined): void => {
  const remaining = context?.getRemainingTimeInMillis;
  timeLeft = typeof remaining === 'function' ? () => remaining.call(context) : undefined;
};

/** Milliseconds left before the function times out; Infinity when no invocation recorded its context. */
export const remainingMs = (): number => timeLeft?.() ?? Number.POSITIVE_INFINITY;

/**
 * How long one may wait before the next attempt, at most `delayMs`: shortened so that the attempt and the answer
 * still fit; undefined when they do not fit at all (give up now with the last error).
 */
export const retryDelayWithin = (delayMs: number): number | undefined => {
  const spare = remainingMs() - ANSWER_RESERVE_MS - MIN_ATTEMPT_MS;
  if (spare < 0) return undefined;
  return Math.min(delayMs, spare);
};

/** A call refused because the invocation's time is (nearly) spent: nothing was sent. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/**
 * Middy middleware recording the invocation's context for {@link remainingMs}; first in the stack, so every retry of
 * the request sees it. Cleared afterwards: a sandbox runs one invocation at a time.
 */
export const invocationDeadline = <E, R>(): MiddlewareObj<E, R> => ({
  name: 'invocationDeadline',
  before: (request) => setInvocationContext(request.context),
  after: () => setInvocationContext(undefined),
  onError: () => setInvocationContext(undefined),
});
