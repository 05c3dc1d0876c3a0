import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { retryDelayWithin } from '#shared/aws/deadline';
import { ConflictError } from '#shared/errors';

/**
 * The one way the project writes a DynamoDB transaction. It
 * - refuses, before sending, a transaction DynamoDB would reject for its shape (no items, more than 100, two actions
 *   on one item);
 * - retries the cancellations that say "try again" (`TransactionConflict`, throttling) with full-jitter exponential
 *   backoff, bounded in attempts and delay and within the invocation's deadline (`shared/aws/deadline.ts`): AWS
 *   produces `TransactionConflict` under concurrency and the SDK does not retry it;
 * - turns a `ConditionalCheckFailed` reason into the failing item's domain error, built from the item as stored
 *   (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
 */

type TransactAction = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** A Put of a transaction (lib-dynamodb form: native JavaScript values). */
export type TransactPut = NonNullable<TransactAction['Put']>;
/** An Update of a transaction. */
export type TransactUpdate = NonNullable<TransactAction['Update']>;
/** A Delete of a transaction. */
export type TransactDelete = NonNullable<TransactAction['Delete']>;
/** A ConditionCheck of a transaction. */
export type TransactConditionCheck = NonNullable<TransactAction['ConditionCheck']>;

/** What the helper tells an item's error factory about its failed condition. */
export interface ConditionFailure {
  /** Position of the item in the transaction. */
  index: number;
  /** The item's label, or `#<index>` without one. */
  label: string;
  /** The item as stored when the condition was evaluated; undefined when there was none. */
  existing: Record<string, unknown> | undefined;
}

/** One action of a transaction, with what a failed condition on it means in the domain. */
export type TransactionItem = (
  | { put: TransactPut }
  | { update: TransactUpdate }
  | { delete: TransactDelete }
  | { conditionCheck: TransactConditionCheck }
) & {
  /** Names the item in errors (`registration`, `nip-uniqueness`, `seat-counter`). */
  label?: string;
  /**
   * The error to throw when this item's condition fails, e.g.
   * `() => new ConflictError('a registration for this NIP exists')`.
   * @default a {@link ConditionFailedError} naming the item
   */
  onConditionFailed?: (failure: ConditionFailure) => Error;
};

/** The client the helper needs: `DynamoDBDocumentClient` fits; unit tests pass a fake. */
export interface TransactionClient {
  send(command: TransactWriteCommand): Promise<unknown>;
}

/** A retry the helper is about to make, for logs and metrics. */
export interface TransactionRetry {
  /** The attempt that failed (1 for the first). */
  attempt: number;
  /** How long the helper waits before the next attempt. */
  delayMs: number;
  /** What made the attempt fail: a cancellation reason code or the error's name. */
  reason: string;
}

export interface TransactOptions {
  /** Attempts in all, the first included. @default 8 */
  maxAttempts?: number;
  /** Backoff base: the n-th retry waits a random time in [0, min(maxDelayMs, baseDelayMs * 2^(n-1))). @default 25 */
  baseDelayMs?: number;
  /** Cap of one wait. @default 1000 */
  maxDelayMs?: number;
  /** Key attributes of each table's items, to find two actions on one item. @default PK and SK for every table */
  keyAttributes?: Readonly<Record<string, readonly string[]>>;
  /** Source of the jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry. */
  onRetry?: (retry: TransactionRetry) => void;
}

/** What a committed transaction cost. */
export interface TransactResult {
  /** Attempts made, 1 when the first committed. */
  attempts: number;
}

/** The default error of an item whose condition failed and that declares no `onConditionFailed`. */
export class ConditionFailedError extends ConflictError {
  override name = 'ConditionFailedError';
  readonly index: number;
  readonly label: string;
  readonly existing: Record<string, unknown> | undefined;

  constructor(failure: ConditionFailure, cause?: unknown) {
    super(`the stored data no longer allows this change (condition on ${failure.label})`, { cause });
    this.index = failure.index;
    this.label = failure.label;
    this.existing = failure.existing;
  }
}

/**
 * Every attempt was cancelled by contention (or the invocation's time ran out first): the transaction did not commit.
 * Not a domain error (a 503).
 */
export class TransactionContentionError extends Error {
  override name = 'TransactionContentionError';
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(`transaction cancelled by contention ${attempts} times; giving up`, { cause });
    this.attempts = attempts;
  }
}

/** A transaction DynamoDB would refuse for its shape: a programming error, raised before anything is sent. */
export class TransactionShapeError extends Error {
  override name = 'TransactionShapeError';
}

export const TRANSACT_DEFAULTS = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 1_000 } as const;
/** DynamoDB's limit of actions per TransactWriteItems. */
const MAX_ITEMS = 100;
const DEFAULT_KEY = ['PK', 'SK'] as const;

// Cancellation reasons that mean "someone else was busy with this item" or "slow down": worth another attempt.
const RETRYABLE_REASONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
// Whole-request errors of the same nature, surfacing when the SDK's own retries (throttling) ran out.
const RETRYABLE_ERRORS = new Set([
  'TransactionConflictException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
]);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Writes `items` in one TransactWriteItems through `client`, retrying contention and mapping failed conditions to
 * domain errors (see the module comment). Resolves once committed.
 *
 * @throws the failing item's `onConditionFailed` error (or a {@link ConditionFailedError}) when a condition fails;
 *   with several failing items, the first in order
 * @throws {@link TransactionContentionError} when `maxAttempts` attempts were all cancelled by contention, or the
 *   invocation has no time left for another
 * @throws {@link TransactionShapeError} before sending, for an empty transaction, more than 100 items or two actions
 *   on one item
 * @throws any other error of the client at once (validation errors, item too large, network failures the SDK gave
 *   up on)
 */
export const transact = async (
  client: TransactionClient,
  items: readonly TransactionItem[],
  options: TransactOptions = {},
): Promise<TransactResult> => {
  const maxAttempts = options.maxAttempts ?? TRANSACT_DEFAULTS.maxAttempts;
  const baseDelayMs = options.baseDelayMs ?? TRANSACT_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? TRANSACT_DEFAULTS.maxDelayMs;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be an integer >= 1');
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? realSleep;
  assertShape(items, options.keyAttributes ?? {});
  const TransactItems = items.map(toAction);

  for (let attempt = 1; ; attempt++) {
    try {
      // A new command per attempt: the SDK then fills a fresh ClientRequestToken, as a cancelled attempt needs.
      await client.send(new TransactWriteCommand({ TransactItems }));
      return { attempts: attempt };
    } catch (error) {
      const reasons = cancellationReasons(error);
      // A failed condition is a fact about the stored item, whatever else cancelled this attempt: no retry.
      const failed = reasons?.findIndex((reason) => reason.Code === 'ConditionalCheckFailed') ?? -1;
      if (failed >= 0) throw conditionError(items, failed, reasons![failed]!, error);
      const reason = retryableReason(error, reasons);
      if (reason === undefined) throw error;
      if (attempt >= maxAttempts) throw new TransactionContentionError(attempt, error);
      // Shortened, or given up, so that the next attempt and the answer fit before the invocation times out.
      const delayMs = retryDelayWithin(backoff(attempt, { baseDelayMs, maxDelayMs }, random));
      if (delayMs === undefined) throw new TransactionContentionError(attempt, error);
      options.onRetry?.({ attempt, delayMs, reason });
      await sleep(delayMs);
    }
  }
};

/** Full jitter: a uniform wait in [0, min(cap, base * 2^(attempt-1))). */
export const backoff = (
  attempt: number,
  policy: { baseDelayMs: number; maxDelayMs: number },
  random: () => number,
): number => Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

// ALL_OLD lets the domain error see the item that made its condition fail; asked only where there is a condition.
const withOldItem = <A extends { ConditionExpression?: string }>(action: A): A =>
  action.ConditionExpression === undefined ? action : { ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...action };

const toAction = (item: TransactionItem): TransactAction => {
  if ('put' in item) return { Put: withOldItem(item.put) };
  if ('update' in item) return { Update: withOldItem(item.update) };
  if ('delete' in item) return { Delete: withOldItem(item.delete) };
  return { ConditionCheck: withOldItem(item.conditionCheck) };
};

const labelOf = (items: readonly TransactionItem[], index: number) => items[index]?.label ?? `#${index}`;

/** The table and key an item acts on. */
const target = (
  item: TransactionItem,
  keyAttributes: Readonly<Record<string, readonly string[]>>,
): { table: string; key: Record<string, unknown> } => {
  if ('put' in item) {
    const table = String(item.put.TableName);
    const names = keyAttributes[table] ?? DEFAULT_KEY;
    const stored = item.put.Item ?? {};
    const missing = names.filter((name) => stored[name] === undefined);
    if (missing.length > 0) {
      throw new TransactionShapeError(
        `put on ${table} has no ${missing.join(', ')}; pass keyAttributes for a table keyed otherwise`,
      );
    }
    return { table, key: Object.fromEntries(names.map((name) => [name, stored[name]])) };
  }
  const action = 'update' in item ? item.update : 'delete' in item ? item.delete : item.conditionCheck;
  return { table: String(action.TableName), key: action.Key ?? {} };
};

/** One string per item identity: table and key values, key attribute order ignored. */
const identity = ({ table, key }: { table: string; key: Record<string, unknown> }): string =>
  JSON.stringify([
    table,
    Object.keys(key)
      .sort()
      .map((name) => [name, canonicalValue(key[name])]),
  ]);

const canonicalValue = (value: unknown): unknown =>
  value instanceof Uint8Array ? { binary: Buffer.from(value).toString('base64') } : value;

const assertShape = (
  items: readonly TransactionItem[],
  keyAttributes: Readonly<Record<string, readonly string[]>>,
): void => {
  if (items.length === 0) throw new TransactionShapeError('a transaction needs at least one item');
  if (items.length > MAX_ITEMS) {
    throw new TransactionShapeError(`a transaction holds at most ${MAX_ITEMS} items, got ${items.length}`);
  }
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const id = identity(target(item, keyAttributes));
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      // DynamoDB refuses the whole request (ValidationException); saying which two items is more useful.
      throw new TransactionShapeError(
        `items ${labelOf(items, earlier)} and ${labelOf(items, index)} act on the same item; ` +
          'an item may appear once per transaction',
      );
    }
    seen.set(id, index);
  });
};

const cancellationReasons = (error: unknown): CancellationReason[] | undefined => {
  if ((error as { name?: unknown } | null)?.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  return Array.isArray(reasons) ? (reasons as CancellationReason[]) : undefined;
};

/** The reason to retry, or undefined when the error is not worth another attempt. */
const retryableReason = (error: unknown, reasons: CancellationReason[] | undefined): string | undefined => {
  if (reasons !== undefined) {
    const codes = reasons.map((reason) => reason.Code ?? 'None').filter((code) => code !== 'None');
    return codes.length > 0 && codes.every((code) => RETRYABLE_REASONS.has(code)) ? codes.join(',') : undefined;
  }
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && RETRYABLE_ERRORS.has(name) ? name : undefined;
};

const conditionError = (
  items: readonly TransactionItem[],
  index: number,
  reason: CancellationReason,
  cause: unknown,
): Error => {
  const failure: ConditionFailure = {
    index,
    label: labelOf(items, index),
    existing: reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined,
  };
  return items[index]?.onConditionFailed?.(failure) ?? new ConditionFailedError(failure, cause);
};

/**
 * Whether a single-item write failed its condition (`ConditionalCheckFailedException`). By name, so it holds whichever
 * copy of the SDK threw it.
 */
export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
