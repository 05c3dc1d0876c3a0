import { QueryCommand, type QueryCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents, tableName } from '#shared/aws/clients';
import { decodeCursor, encodeCursor } from '#shared/db/cursor';
import { mailKey, mailKeys, mailStatusPartition } from '#shared/db/keys';
import { isConditionFailure } from '#shared/db/transact';
import { InvalidError } from '#shared/errors';
import {
  type DeliveryOutcome,
  deliver,
  getMail,
  MAIL_STATUSES,
  type MailDeps,
  type MailItem,
  type MailStatus,
  mailDeps,
} from './outbox.ts';
import { type MailStore, suppressedAmong, type unsuppressRecipient } from './suppression.ts';

/** What admins see of a mail: no bodies (they may hold link tokens). */
export interface MailSummary {
  id: string;
  status: MailStatus;
  template: string;
  subject: string;
  to: string[];
  cc: string[];
  attempts: number;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  failedAt?: string;
  feedbackAt?: string;
  bouncedRecipients?: string[];
  complainedRecipients?: string[];
  skippedRecipients?: string[];
  /** Whether the body is still kept (it is dropped after sending mail that carries a secret). */
  hasBody: boolean;
}

/** A cursor that this listing did not hand out (tampered, or from another status): a 422 like any bad cursor. */
export class MailCursorError extends InvalidError {
  override name = 'MailCursorError';
}

const mailCursorKey = (cursor: string | undefined, status: MailStatus) => {
  try {
    return decodeCursor(cursor, 'GSI1PK', mailStatusPartition(status));
  } catch (error) {
    if (error instanceof InvalidError) {
      throw new MailCursorError('the cursor is not one this listing handed out', { errors: error.errors });
    }
    throw error;
  }
};

/** The table from the function's environment. */
export const mailStore = (): MailStore => ({ db: documents, table: tableName() });

const summary = (item: MailItem): MailSummary => ({
  id: item.id,
  status: item.status,
  template: item.template,
  subject: item.subject,
  to: item.to,
  cc: item.cc,
  attempts: item.attempts,
  lastError: item.lastError,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  sentAt: item.sentAt,
  failedAt: item.failedAt,
  feedbackAt: item.feedbackAt,
  bouncedRecipients: item.bouncedRecipients && [...item.bouncedRecipients].sort(),
  complainedRecipients: item.complainedRecipients && [...item.complainedRecipients].sort(),
  skippedRecipients: item.skippedRecipients,
  hasBody: item.text !== undefined || item.html !== undefined,
});

/**
 * Mail in one status, newest first (by the time that matters for the status: due, lease end, sent, failed, feedback),
 * a page at a time; `cursor` continues where the last page ended. A query on GSI1, never a scan.
 */
export const listMail = async (
  query: { status: MailStatus; limit?: number; cursor?: string },
  store: MailStore = mailStore(),
): Promise<{ items: MailSummary[]; cursor?: string }> => {
  if (!MAIL_STATUSES.includes(query.status)) throw new RangeError(`unknown mail status "${query.status}"`);
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 25), 1), 100);
  const answer: QueryCommandOutput = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :partition',
      ExpressionAttributeValues: { ':partition': mailStatusPartition(query.status) },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: mailCursorKey(query.cursor, query.status),
    }),
  );
  return {
    items: (answer.Items ?? []).map((item) => summary(item as MailItem)),
    cursor: encodeCursor(answer.LastEvaluatedKey),
  };
};

/** Why a resend was refused. */
export type ResendRefusal = 'not-found' | 'not-resendable' | 'content-discarded' | 'recipient-suppressed' | 'conflict';

/** The result of {@link resendMail}. */
export type ResendResult =
  | { ok: true; outcome: DeliveryOutcome | 'queued' }
  | { ok: false; reason: ResendRefusal; status?: MailStatus; suppressedRecipients?: string[] };

const RESENDABLE: readonly MailStatus[] = ['failed', 'bounced'];

/**
 * Puts a `failed` or `bounced` mail back to `pending` with its attempts reset, then tries to send it at once (the
 * reconciler retries it otherwise). Refused when the mail is in another status, when its body is no longer kept, or
 * when any recipient is suppressed (a bounced address stays suppressed until an admin lifts it with {@link unsuppressRecipient}). The
 * update is conditioned on the status and attempts read, so two admins resending at once queue it once.
 */
export const resendMail = async (id: string, deps: MailDeps = mailDeps()): Promise<ResendResult> => {
  const item = await getMail(deps, id);
  if (!item) return { ok: false, reason: 'not-found' };
  if (!RESENDABLE.includes(item.status)) return { ok: false, reason: 'not-resendable', status: item.status };
  if (item.text === undefined && item.html === undefined) {
    return { ok: false, reason: 'content-discarded', status: item.status };
  }
  const suppressed = await suppressedAmong(deps, [...item.to, ...item.cc]);
  if (suppressed.size > 0) {
    return { ok: false, reason: 'recipient-suppressed', status: item.status, suppressedRecipients: [...suppressed] };
  }

  const now = deps.now().toISOString();
  const { GSI1PK, GSI1SK } = mailKeys(id, 'pending', now);
  let queued: MailItem;
  try {
    const answer = await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: mailKey(id),
        UpdateExpression:
          'SET #status = :pending, attempts = :zero, dueAt = :now, updatedAt = :now, resentAt = :now, ' +
          'GSI1PK = :gsi1pk, GSI1SK = :gsi1sk ADD resends :one REMOVE failedAt, leaseUntil, claimId, #ttl',
        ConditionExpression: '#status = :read AND attempts = :attempts',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':pending': 'pending',
          ':zero': 0,
          ':now': now,
          ':gsi1pk': GSI1PK,
          ':gsi1sk': GSI1SK,
          ':one': 1,
          ':read': item.status,
          ':attempts': item.attempts,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    queued = answer.Attributes as MailItem;
  } catch (error) {
    if (isConditionFailure(error)) return { ok: false, reason: 'conflict' };
    throw error;
  }
  try {
    return { ok: true, outcome: await deliver(queued, deps) };
  } catch (error) {
    // Queued all the same: the reconciler sends it.
    deps.log.warn('resent mail queued but not sent at once', { mailId: id, error: (error as Error).message });
    return { ok: true, outcome: 'queued' };
  }
};
