import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { ANSWER_RESERVE_MS, DeadlineExceededError, remainingMs, retryDelayWithin } from './deadline.ts';

/**
 * How the AWS clients retry and time out. The SDK's standard strategy waits up to 1, 2 and 4 s between throttled
 * attempts of a DynamoDB call and knows nothing of the invocation's deadline; a 10 s HTTP function whose calls stay
 * throttled then times out in backoff and API Gateway answers a bare 500. Here every wait is bounded, and none is started when
 * the attempt after it would not fit before the deadline (`shared/aws/deadline.ts`): the last error is thrown in
 * time to be answered (503 for throttling, `shared/http/errors.ts`).
 */

/** Attempts and waits of one client. Waits are full jitter: uniform in [0, min(maxDelayMs, base * 2^(retry-1))). */
export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Base of the waits after a transient error (5xx, timeout, connection reset). */
  baseDelayMs: number;
  /** Base of the waits after a throttling error. */
  throttlingBaseDelayMs: number;
  /** Cap of one wait. */
  maxDelayMs: number;
  /**
   * Whether a request that timed out is sent again. Not for calls that are not idempotent and whose effect cannot be
   * taken back: a SendEmail that timed out may have gone out, and the outbox would rather keep it pending.
   * @default true
   */
  retryTimeouts?: boolean;
}

/**
 * DynamoDB: 4 attempts (the SDK's DynamoDB default) and 25 ms for transient errors; throttling waits at most 0.5, 1
 * and 2 s, so a call that stays throttled has waited at most 3.5 s (the SDK's 2026 defaults: up to 7 s).
 */
export const DYNAMODB_RETRIES: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 25,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 2_000,
};

/** Step Functions, SES, Secrets Manager, Cognito: 3 attempts (the SDK default), at most 1.5 s of waiting. */
export const SERVICE_RETRIES: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 50,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 2_000,
};

/** SES: as {@link SERVICE_RETRIES}, but a SendEmail that timed out is not sent again (the mail could go out twice). */
export const MAIL_RETRIES: RetryPolicy = { ...SERVICE_RETRIES, retryTimeouts: false };

/** Connecting takes milliseconds in a region (and on loopback); longer means the endpoint is not there. */
export const CONNECTION_TIMEOUT_MS = 1_000;
/**
 * A request without an answer after this is abandoned (and retried if time allows). Generous: a write cut short may
 * still commit, and its retry then meets its own condition.
 */
export const REQUEST_TIMEOUT_MS = 5_000;

class Token implements RetryToken {
  constructor(
    private readonly retries: number,
    private readonly delayMs: number,
  ) {}
  getRetryCount(): number {
    return this.retries;
  }
  // The SDK's retry middleware waits this long before the next attempt.
  getRetryDelay(): number {
    return this.delayMs;
  }
}

const NO_RETRY = 'no retry: not retryable, attempts spent, or no time left before the invocation times out';

/**
 * The SDK's standard retry decision (throttling and transient errors only) with bounded waits, inside the
 * invocation's deadline. No retry quota: a sandbox runs one invocation at a time, and the deadline bounds a storm.
 */
export class DeadlineRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';

  constructor(
    readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(_scope: string): Promise<RetryToken> {
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retry = token.getRetryCount() + 1;
    const throttled = info.errorType === 'THROTTLING';
    if ((!throttled && info.errorType !== 'TRANSIENT') || retry >= this.policy.maxAttempts) throw new Error(NO_RETRY);
    if (this.policy.retryTimeouts === false && info.error?.name === 'TimeoutError') throw new Error(NO_RETRY);
    const base = throttled ? this.policy.throttlingBaseDelayMs : this.policy.baseDelayMs;
    const drawn = Math.floor(this.random() * Math.min(this.policy.maxDelayMs, base * 2 ** (retry - 1)));
    const delayMs = retryDelayWithin(drawn);
    // The middleware then throws the error of the last attempt.
    if (delayMs === undefined) throw new Error(NO_RETRY);
    return new Token(retry, delayMs);
  }

  recordSuccess(_token: RetryToken): void {}
}

/**
 * The SDK's Node.js handler, each request's timeout cut to the invocation's time left (less the time to answer);
 * with no time left, nothing is sent.
 */
export class DeadlineHttpHandler extends NodeHttpHandler {
  constructor(private readonly requestTimeoutMs: number = REQUEST_TIMEOUT_MS) {
    super({ connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true });
  }

  override async handle(request: Parameters<NodeHttpHandler['handle']>[0], options: HttpHandlerOptions = {}) {
    const budget = Math.floor(remainingMs() - ANSWER_RESERVE_MS);
    if (budget <= 0) throw new DeadlineExceededError('the invocation is about to time out; request not sent');
    const requestTimeout = Math.min(options.requestTimeout ?? this.requestTimeoutMs, budget);
    return super.handle(request, { ...options, requestTimeout });
  }
}

/** Client settings with the policy's retries and the deadline-aware handler (`new DynamoDBClient(clientConfig(...))`). */
export const clientConfig = (policy: RetryPolicy) => ({
  maxAttempts: policy.maxAttempts,
  retryStrategy: new DeadlineRetryStrategy(policy),
  requestHandler: new DeadlineHttpHandler(),
});
