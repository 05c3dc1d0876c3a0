import { createHash } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '#shared/db/batch';
import { suppressionKeys } from '#shared/db/keys';

/** The table the mail items live in, and a client for it. */
export interface MailStore {
  db: Pick<DynamoDBDocumentClient, 'send'>;
  table: string;
}

/** Why a recipient is no longer written to. */
export type SuppressionReason = 'bounce' | 'complaint';

/** The bare address of `Name <a@b>` or `a@b`, lower-cased: the one form suppression compares. */
export const normalizeAddress = (address: string): string => {
  const bracketed = /<([^<>]+)>\s*$/.exec(address)?.[1];
  return (bracketed ?? address).trim().toLowerCase();
};

/** SHA-256 (hex) of the normalised address: suppression items carry no address in clear. */
export const addressHash = (address: string): string =>
  createHash('sha256').update(normalizeAddress(address)).digest('hex');

/**
 * Marks a recipient suppressed. Idempotent: the first reason and time are kept, a repeat of the same SES event
 * changes nothing, a later event only updates `lastReason`/`lastEventAt`.
 */
export const suppressRecipient = async (
  store: MailStore,
  address: string,
  event: { reason: SuppressionReason; at: string; mailId?: string; feedbackId?: string },
): Promise<void> => {
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: suppressionKeys(addressHash(address)),
      UpdateExpression:
        'SET entity = :entity, #v = :v, reason = if_not_exists(reason, :reason), suppressedAt = if_not_exists(suppressedAt, :at), ' +
        'firstMailId = if_not_exists(firstMailId, :mailId), lastReason = :reason, lastEventAt = :at, lastFeedbackId = :feedbackId',
      ExpressionAttributeNames: { '#v': '_v' },
      ExpressionAttributeValues: {
        ':entity': 'suppression',
        ':v': 1,
        ':reason': event.reason,
        ':at': event.at,
        ':mailId': event.mailId ?? 'unknown',
        ':feedbackId': event.feedbackId ?? 'unknown',
      },
    }),
  );
};

/** Which of these addresses are suppressed (as given, not normalised). One BatchGetItem per 100 addresses. */
export const suppressedAmong = async (store: MailStore, addresses: readonly string[]): Promise<Set<string>> => {
  const byHash = new Map<string, string[]>();
  for (const address of addresses) {
    const hash = addressHash(address);
    byHash.set(hash, [...(byHash.get(hash) ?? []), address]);
  }
  const suppressed = new Set<string>();
  const items = await batchGetAll(store.db, store.table, [...byHash.keys()].map(suppressionKeys), {
    consistent: true,
    projection: 'PK, SK',
  });
  for (const item of items) {
    const hash = String(item.PK).slice('SUPPRESSION#'.length);
    for (const address of byHash.get(hash) ?? []) suppressed.add(address);
  }
  return suppressed;
};

/**
 * Lifts a recipient's suppression (an admin confirmed the mailbox works again). Their failed or bounced mail can then
 * be resent. Returns whether the address was suppressed.
 */
export const unsuppressRecipient = async (store: MailStore, address: string): Promise<boolean> => {
  const answer = await store.db.send(
    new DeleteCommand({ TableName: store.table, Key: suppressionKeys(addressHash(address)), ReturnValues: 'ALL_OLD' }),
  );
  return answer.Attributes !== undefined;
};
