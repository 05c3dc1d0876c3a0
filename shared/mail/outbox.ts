import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SendEmailCommandInput, SendEmailCommandOutput } from '@aws-sdk/client-sesv2';
import { GetCommand, type TransactWriteCommandInput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { ses } from '#shared/aws/ses';
import { mailKey, mailKeys } from '#shared/db/keys';
import { isConditionFailure, type TransactionItem } from '#shared/db/transact';
import { logger, metrics } from '#shared/observability';
import { type MailStore, suppressedAmong } from './suppression.ts';
import { renderMail, type TemplateData, type TemplateName } from './templates.ts';

/**
 * The transactional outbox. An email is an item written in the same transaction as the state change that causes it
 * ({@link outboxItem}); after the commit the caller sends it at once, best effort ({@link deliverAfterCommit}); the
 * reconciler sends whatever was left behind.
 *
 * Sending is claim → send → mark:
 * 1. claim: a conditional update from the state just read (`pending` with the attempts read, or `sending` with an
 *    expired lease and the claim id read) to `sending`, attempts + 1, a fresh claim id and a lease. Of two concurrent
 *    senders exactly one wins the claim; the other sends nothing.
 * 2. send: SES v2 SendEmail with the configuration set, started at once and aborted after {@link MAIL_POLICY}
 *    `sendTimeoutMs`, which is well inside the lease: no sender starts or keeps waiting on a send after its lease ends.
 * 3. mark: `sent` (or back to `pending` with a backoff, or `failed`) conditioned on the claim id.
 *
 * SES has no idempotency key, so "eventually sent" and "never sent twice" cannot both be guaranteed. This design
 * chooses eventually sent and narrows the duplicate window to: SES accepted a message but the answer was lost (a
 * network error or the abort; the SDK's own retry or our next attempt sends again), or the sender died between SES's
 * answer and the `sent` mark (the lease expires and the reconciler sends again). Concurrent senders, retries after a
 * clean failure and reconciler runs overlapping a live sender never duplicate.
 */

export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'bounced', 'complained', 'suppressed'] as const;
/**
 * `pending` → `sending` → `sent`; `failed` after the last attempt or a permanent SES error; `bounced`/`complained`
 * when SES reports it after sending; `suppressed` when every recipient had bounced or complained before.
 */
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** Timing and limits of delivery. */
export const MAIL_POLICY = {
  /** A new item is left to its committing request this long before the reconciler sends it. */
  graceMs: 2 * 60_000,
  /** How long a claim holds an item. Longer than `sendTimeoutMs` plus the claim and mark writes. */
  leaseMs: 2 * 60_000,
  /** A send that has not answered by then is abandoned (its outcome unknown) and retried later. */
  sendTimeoutMs: 30_000,
  /** Attempts before an item is `failed`. */
  maxAttempts: 8,
  /** Sent items are deleted by TTL after this long (mail bodies hold personal data). */
  sentRetentionDays: 90,
} as const;

/** Wait before the attempt after `attempts` failed ones: 1, 2, 4, ... minutes, at most an hour. */
export const retryDelayMs = (attempts: number): number => Math.min(2 ** Math.max(0, attempts - 1), 60) * 60_000;

/** An email to send, as the capability that causes it describes it. */
export interface OutgoingMail<Name extends TemplateName = TemplateName> {
  to: string[];
  cc?: string[];
  template: Name;
  data: TemplateData<Name>;
  /**
   * The body carries a secret, such as an email-link token: it is removed from the item once sent, so the table
   * keeps a usable token no longer than the outbox needs it (the table otherwise stores only token hashes).
   * @default false
   */
  containsSecret?: boolean;
  /**
   * A caller-chosen id (letters, digits, `_`, `-`), for writes that must be idempotent (e.g. per request, stage,
   * round and seat): a second write of the same id fails its transaction's condition.
   * @default a ULID of `now`
   */
  id?: string;
}

/** An outbox item as stored. */
export interface MailItem {
  PK: string;
  SK: string;
  GSI1PK: string;
  GSI1SK: string;
  entity: 'mail';
  _v: 1;
  id: string;
  to: string[];
  cc: string[];
  template: string;
  subject: string;
  /** Rendered at write time; removed once sent when `containsSecret`. */
  text?: string;
  html?: string;
  containsSecret: boolean;
  status: MailStatus;
  attempts: number;
  createdAt: string;
  updatedAt: string;
  /** When a `pending` item is due (the reconciler's sort key). */
  dueAt?: string;
  /** When a `sending` claim expires. */
  leaseUntil?: string;
  claimId?: string;
  lastError?: string;
  sentAt?: string;
  sesMessageId?: string;
  failedAt?: string;
  /** Recipients left out at send time because they were suppressed. */
  skippedRecipients?: string[];
  bouncedRecipients?: Set<string>;
  complainedRecipients?: Set<string>;
  feedbackAt?: string;
  /** Epoch seconds; DynamoDB TTL deletes sent items after the retention period. */
  ttl?: number;
}

/** One entry of a TransactWriteItems request (lib-dynamodb form). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Where outbox items go and how links are built, from the function's environment (set by the Mail construct). */
export interface OutboxOptions {
  /** @default process.env.TABLE_NAME */
  table?: string;
  /** @default process.env.PUBLIC_BASE_URL */
  publicBaseUrl?: string;
}

const MAIL_ID = /^[A-Za-z0-9_-]{1,128}$/;
// Deliberately plain: one address, no display name, no header or list separators (header injection).
const ADDRESS = /^[^\s@<>()[\]",;:\\]+@[^\s@<>()[\]",;:\\]+\.[^\s@<>()[\]",;:\\]+$/;
/** SES accepts at most 50 recipients per message. */
const MAX_RECIPIENTS = 50;

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set for this function`);
  return value;
};

/**
 * The Put of an email to send, for the caller's TransactWriteItems alongside the state change that causes it. The
 * template is rendered now: what goes out is what was decided in the transaction, a template change in a later
 * deploy cannot alter or break mail already queued, and the sender needs no template code or data.
 */
export const outboxItem = <Name extends TemplateName>(
  mail: OutgoingMail<Name>,
  now: Date,
  options: OutboxOptions = {},
): TransactItem & { Put: { Item: MailItem } } => {
  const id = mail.id ?? ulid(now.getTime());
  if (!MAIL_ID.test(id)) throw new Error(`mail id "${id}" must be 1-128 letters, digits, "_" or "-"`);
  const to = mail.to.map((a) => a.trim());
  const cc = (mail.cc ?? []).map((a) => a.trim());
  if (to.length === 0) throw new Error('a mail needs at least one recipient');
  if (to.length + cc.length > MAX_RECIPIENTS) throw new Error(`a mail has at most ${MAX_RECIPIENTS} recipients`);
  for (const address of [...to, ...cc]) {
    if (!ADDRESS.test(address)) throw new Error('a mail recipient is not a plain email address');
  }
  const rendered = renderMail(mail.template, mail.data, {
    publicBaseUrl: options.publicBaseUrl ?? requireEnv('PUBLIC_BASE_URL'),
  });
  const at = now.toISOString();
  const dueAt = new Date(now.getTime() + MAIL_POLICY.graceMs).toISOString();
  const item: MailItem = {
    ...mailKeys(id, 'pending', dueAt),
    entity: 'mail',
    _v: 1,
    id,
    to,
    cc,
    template: mail.template,
    ...rendered,
    containsSecret: mail.containsSecret ?? false,
    status: 'pending',
    attempts: 0,
    createdAt: at,
    updatedAt: at,
    dueAt,
  };
  return {
    Put: { TableName: options.table ?? tableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' },
  };
};

/** {@link outboxItem} as an entry of `shared/db/transact`'s helper. */
export const outboxPut = <Name extends TemplateName>(
  mail: OutgoingMail<Name>,
  now: Date,
  options: OutboxOptions = {},
): TransactionItem => ({ put: outboxItem(mail, now, options).Put });

/** What logging delivery needs. */
export type MailLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Everything delivery talks to. */
export interface MailDeps extends MailStore {
  /** SES's SendEmail, given up after `timeoutMs` (counted from the request, not from loading the client). */
  sendEmail(input: SendEmailCommandInput, options: { timeoutMs: number }): Promise<SendEmailCommandOutput>;
  /** Sender address (`MAIL_FROM`), e.g. `Pemerintah Kota Palembang <noreply@palembang.go.id>`. */
  from: string;
  /** SES configuration set (`SES_CONFIGURATION_SET`): bounce and complaint events are published through it. */
  configurationSet: string;
  now(): Date;
  log: MailLog;
  /** Called when a mail becomes `failed` (an alarm watches it, whichever path gave up). @default none */
  reportFailed?(mailId: string): void;
}

/** Delivery dependencies from the function's environment (set by `Mail.bindMail` and `bindTable`). */
export const mailDeps = (): MailDeps => ({
  db: documents,
  table: tableName(),
  sendEmail: async (input, { timeoutMs }) => {
    const { sdk, client } = await ses();
    return client.send(new sdk.SendEmailCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) });
  },
  from: requireEnv('MAIL_FROM'),
  configurationSet: requireEnv('SES_CONFIGURATION_SET'),
  now: () => new Date(),
  log: logger,
  // Published at once: delivery also runs inside HTTP requests, whose handlers publish no stored metrics.
  reportFailed: () => metrics.singleMetric().addMetric('MailFailed', MetricUnit.Count, 1),
});

/**
 * What one delivery did: `sent`; `retry` (this attempt failed, the item is pending again with a backoff); `failed`
 * (given up); `suppressed` (every recipient is suppressed); `skipped` (another sender holds it, or it is no longer
 * pending); `missing`.
 */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'suppressed' | 'skipped' | 'missing';

// SES errors that another attempt cannot fix: the message, sender or configuration must change first.
const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'BadRequestException',
  'NotFoundException',
  'AccountSuspendedException',
]);

/** Whether an SES error is worth another attempt (throttling, 5xx, network, timeouts are; rejections are not). */
export const isRetryableSesError = (error: unknown): boolean =>
  !(error instanceof Error && PERMANENT_SES_ERRORS.has(error.name));

const describeError = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
};

/** The condition that the item is still in the state it was read in (and, if `sending`, that its lease expired). */
const asRead = (item: MailItem, now: string) =>
  item.status === 'pending'
    ? {
        condition: '#status = :readStatus AND attempts = :readAttempts',
        values: { ':readStatus': 'pending', ':readAttempts': item.attempts },
      }
    : {
        condition: '#status = :readStatus AND claimId = :readClaim AND leaseUntil <= :now',
        values: { ':readStatus': 'sending', ':readClaim': item.claimId ?? '', ':now': now },
      };

/** A conditional update; false when the condition failed (someone else moved the item). */
const conditionalUpdate = async (
  deps: MailDeps,
  id: string,
  update: {
    set: Record<string, unknown>;
    remove?: string[];
    condition: string;
    conditionValues: Record<string, unknown>;
  },
): Promise<boolean> => {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ...update.conditionValues };
  const sets = Object.entries(update.set).map(([attribute, value]) => {
    names[`#${attribute}`] = attribute;
    values[`:set_${attribute}`] = value;
    return `#${attribute} = :set_${attribute}`;
  });
  const removes = (update.remove ?? []).map((attribute) => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  });
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: mailKey(id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: update.condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Index attributes for an item moving to `status` at `at`. */
const placed = (id: string, status: MailStatus, at: string) => {
  const { GSI1PK, GSI1SK } = mailKeys(id, status, at);
  return { GSI1PK, GSI1SK, status };
};

/**
 * Sends one outbox item if it is still to be sent: `pending`, or `sending` with an expired lease (its sender died).
 * `item` is the item as read (from the index or the transaction that wrote it); every write is conditioned on it, so
 * a stale copy only makes the claim fail. Suppressed recipients are left out; an item whose recipients are all
 * suppressed becomes `suppressed`. Never throws for SES failures; throws when DynamoDB itself fails.
 */
export const deliver = async (item: MailItem, deps: MailDeps = mailDeps()): Promise<DeliveryOutcome> => {
  const now = deps.now();
  const at = now.toISOString();
  if (item.status !== 'pending' && !(item.status === 'sending' && (item.leaseUntil ?? '') <= at)) return 'skipped';
  const read = asRead(item, at);

  if (item.attempts >= MAIL_POLICY.maxAttempts) {
    const lastError =
      item.status === 'sending'
        ? 'the last attempt stopped before recording its outcome; the mail may or may not have been sent'
        : (item.lastError ?? 'no attempts left');
    const failed = await conditionalUpdate(deps, item.id, {
      set: { ...placed(item.id, 'failed', at), failedAt: at, lastError, updatedAt: at },
      remove: ['dueAt', 'leaseUntil', 'claimId'],
      condition: read.condition,
      conditionValues: read.values,
    });
    if (failed) deps.reportFailed?.(item.id);
    return failed ? 'failed' : 'skipped';
  }

  // Checked before claiming, so an all-suppressed item spends no attempt. A suppression that lands between this read
  // and the send lets one more message through, which the suppression list of the configuration set also catches.
  const suppressed = await suppressedAmong(deps, [...item.to, ...item.cc]);
  const to = item.to.filter((a) => !suppressed.has(a));
  const cc = item.cc.filter((a) => !suppressed.has(a));
  if (to.length + cc.length === 0) {
    const done = await conditionalUpdate(deps, item.id, {
      set: { ...placed(item.id, 'suppressed', at), skippedRecipients: [...suppressed], updatedAt: at },
      remove: ['dueAt', 'leaseUntil', 'claimId'],
      condition: read.condition,
      conditionValues: read.values,
    });
    return done ? 'suppressed' : 'skipped';
  }
  if (item.text === undefined && item.html === undefined) {
    // A sent item whose body was dropped, put back by hand: there is nothing left to send.
    deps.log.error('outbox item has no body', { mailId: item.id });
    return 'skipped';
  }

  const claimId = randomUUID();
  const attempts = item.attempts + 1;
  const leaseUntil = new Date(now.getTime() + MAIL_POLICY.leaseMs).toISOString();
  const claimed = await conditionalUpdate(deps, item.id, {
    set: { ...placed(item.id, 'sending', leaseUntil), attempts, leaseUntil, claimId, updatedAt: at },
    remove: ['dueAt'],
    condition: read.condition,
    conditionValues: read.values,
  });
  if (!claimed) return 'skipped';
  const mine = {
    condition: '#status = :sending AND claimId = :claim',
    values: { ':sending': 'sending', ':claim': claimId },
  };

  let messageId: string | undefined;
  let failure: unknown;
  try {
    const answer = await deps.sendEmail(
      {
        FromEmailAddress: deps.from,
        Destination: { ToAddresses: to, CcAddresses: cc.length > 0 ? cc : undefined },
        Content: {
          Simple: {
            Subject: { Data: item.subject, Charset: 'UTF-8' },
            Body: {
              Text: item.text === undefined ? undefined : { Data: item.text, Charset: 'UTF-8' },
              Html: item.html === undefined ? undefined : { Data: item.html, Charset: 'UTF-8' },
            },
          },
        },
        ConfigurationSetName: deps.configurationSet,
        // Bounce and complaint events carry these tags back: they name the outbox item without another index.
        EmailTags: [
          { Name: 'mailId', Value: item.id },
          { Name: 'template', Value: item.template },
        ],
      },
      { timeoutMs: MAIL_POLICY.sendTimeoutMs },
    );
    messageId = answer.MessageId;
  } catch (error) {
    failure = error;
  }

  const after = deps.now().toISOString();
  if (failure === undefined) {
    const sent = await conditionalUpdate(deps, item.id, {
      set: {
        ...placed(item.id, 'sent', after),
        sentAt: after,
        sesMessageId: messageId ?? 'unknown',
        updatedAt: after,
        ttl: Math.floor(Date.parse(after) / 1000) + MAIL_POLICY.sentRetentionDays * 86_400,
        ...(suppressed.size > 0 && { skippedRecipients: [...suppressed] }),
      },
      remove: ['leaseUntil', 'claimId', 'lastError', ...(item.containsSecret ? ['text', 'html'] : [])],
      condition: mine.condition,
      conditionValues: mine.values,
    });
    // Only possible if this send outlived its lease or SES feedback overtook the mark: the mail went out regardless.
    if (!sent) deps.log.warn('mail sent but its claim was lost before marking it sent', { mailId: item.id });
    return 'sent';
  }

  const lastError = describeError(failure);
  if (!isRetryableSesError(failure) || attempts >= MAIL_POLICY.maxAttempts) {
    await conditionalUpdate(deps, item.id, {
      set: { ...placed(item.id, 'failed', after), failedAt: after, lastError, updatedAt: after },
      remove: ['leaseUntil', 'claimId'],
      condition: mine.condition,
      conditionValues: mine.values,
    });
    deps.log.error('mail failed for good', { mailId: item.id, attempts, lastError });
    deps.reportFailed?.(item.id);
    return 'failed';
  }
  const dueAt = new Date(Date.parse(after) + retryDelayMs(attempts)).toISOString();
  await conditionalUpdate(deps, item.id, {
    set: { ...placed(item.id, 'pending', dueAt), dueAt, lastError, updatedAt: after },
    remove: ['leaseUntil', 'claimId'],
    condition: mine.condition,
    conditionValues: mine.values,
  });
  deps.log.warn('mail attempt failed; will retry', { mailId: item.id, attempts, dueAt, lastError });
  return 'retry';
};

/** Reads an outbox item (strongly consistent). */
export const getMail = async (store: MailStore, id: string): Promise<MailItem | undefined> => {
  const answer = await store.db.send(
    new GetCommand({ TableName: store.table, Key: mailKey(id), ConsistentRead: true }),
  );
  return answer.Item as MailItem | undefined;
};

/** Reads an outbox item and delivers it if it is still to be sent. */
export const sendPending = async (mailId: string, deps: MailDeps = mailDeps()): Promise<DeliveryOutcome> => {
  const item = await getMail(deps, mailId);
  return item ? deliver(item, deps) : 'missing';
};

/** An entry of a committed transaction: a TransactWriteItems entry, or an item of `shared/db/transact`'s helper. */
export type CommittedEntry = TransactItem | TransactionItem;

const mailOf = (entry: CommittedEntry): MailItem | undefined => {
  const item = ('put' in entry ? entry.put.Item : 'Put' in entry ? entry.Put?.Item : undefined) as MailItem | undefined;
  return item?.entity === 'mail' ? item : undefined;
};

/**
 * After the caller's transaction committed: sends the outbox items among its entries (or the given ids) at once.
 * Await it before the handler returns: a frozen sandbox must not hold a claim.
 * Best effort by design: the state change is already committed, so this never throws; whatever it could not send,
 * the reconciler sends after the grace period.
 *
 * @example
 * const entries = [registrationPut, seatUpdate, outboxItem(mail, now)];
 * await documents.send(new TransactWriteCommand({ TransactItems: entries }));
 * await deliverAfterCommit(entries);
 */
export const deliverAfterCommit = async (
  entries: readonly (CommittedEntry | string)[],
  deps?: MailDeps,
): Promise<Record<string, DeliveryOutcome | 'error'>> => {
  let resolved: MailDeps;
  try {
    resolved = deps ?? mailDeps();
  } catch (error) {
    logger.error('mail not sent after commit: delivery is not configured', { error: describeError(error) });
    return {};
  }
  const outcomes = await Promise.all(
    entries.map(async (entry): Promise<[string, DeliveryOutcome | 'error'] | undefined> => {
      const id = typeof entry === 'string' ? entry : mailOf(entry)?.id;
      if (id === undefined) return undefined;
      try {
        const item = typeof entry === 'string' ? await getMail(resolved, id) : mailOf(entry);
        return [id, item ? await deliver(item, resolved) : 'missing'];
      } catch (error) {
        resolved.log.warn('mail not sent after commit; the reconciler will send it', {
          mailId: id,
          error: describeError(error),
        });
        return [id, 'error'];
      }
    }),
  );
  return Object.fromEntries(outcomes.filter((outcome) => outcome !== undefined));
};
