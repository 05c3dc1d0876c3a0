import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mailKey, mailKeys } from '#shared/db/keys';
import { isConditionFailure } from '#shared/db/transact';
import * as z from '#shared/zod';
import { type MailStore, normalizeAddress, suppressRecipient } from './suppression.ts';

/**
 * Bounces and complaints: SES publishes them through the configuration set's event destination to SNS, which invokes
 * the function with the event record as the SNS message (event publishing format: `eventType`, `mail`, `bounce` or
 * `complaint`).
 */

const recipients = z.array(z.looseObject({ emailAddress: z.string().check(z.minLength(3)) }));

/** The parts of an SES event-publishing record this code reads; anything else passes through unread. */
export const SesEventRecord = z.looseObject({
  eventType: z.string(),
  mail: z.looseObject({
    messageId: z.string(),
    timestamp: z.optional(z.string()),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
  }),
  bounce: z.optional(
    z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: recipients,
      timestamp: z.string(),
      feedbackId: z.optional(z.string()),
    }),
  ),
  complaint: z.optional(
    z.looseObject({
      complainedRecipients: recipients,
      timestamp: z.string(),
      feedbackId: z.optional(z.string()),
      complaintFeedbackType: z.optional(z.string()),
    }),
  ),
});
export type SesEventRecord = z.infer<typeof SesEventRecord>;

/** What one SES event did. */
export interface FeedbackOutcome {
  kind: 'bounce' | 'soft-bounce' | 'complaint' | 'ignored';
  /** Recipients now suppressed. */
  suppressed: number;
  /** Whether an outbox item was marked (it may have expired, or the tag be missing). */
  mailMarked: boolean;
  mailId?: string;
}

/** Parses the SNS message of an SES event; undefined for anything that is not one (logged by the caller). */
export const parseSesEvent = (message: string): SesEventRecord | undefined => {
  try {
    const parsed = SesEventRecord.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Records a bounce or complaint: every permanently bounced or complaining recipient is suppressed, and the outbox item
 * (found by the `mailId` tag the sender put on the message) becomes `bounced` or `complained`. Idempotent, as SNS
 * delivers at least once: suppressions keep their first reason, recipients are added to string sets, and a
 * complaint is never downgraded to a bounce. Transient and undetermined bounces (a full mailbox, a greylisting
 * server) are SES's to retry: they suppress nobody.
 */
export const recordSesEvent = async (store: MailStore, event: SesEventRecord): Promise<FeedbackOutcome> => {
  const mailId = event.mail.tags?.mailId?.[0];
  if (event.eventType === 'Bounce' && event.bounce) {
    if (event.bounce.bounceType !== 'Permanent')
      return { kind: 'soft-bounce', suppressed: 0, mailMarked: false, mailId };
    return markFeedback(store, 'bounce', mailId, event.bounce.bouncedRecipients, event.bounce);
  }
  if (event.eventType === 'Complaint' && event.complaint) {
    return markFeedback(store, 'complaint', mailId, event.complaint.complainedRecipients, event.complaint);
  }
  return { kind: 'ignored', suppressed: 0, mailMarked: false, mailId };
};

const markFeedback = async (
  store: MailStore,
  kind: 'bounce' | 'complaint',
  mailId: string | undefined,
  recipientList: { emailAddress: string }[],
  details: { timestamp: string; feedbackId?: string },
): Promise<FeedbackOutcome> => {
  const addresses = [...new Set(recipientList.map((r) => normalizeAddress(r.emailAddress)))];
  const at = new Date(Date.parse(details.timestamp) || Date.now()).toISOString();
  for (const address of addresses) {
    await suppressRecipient(store, address, { reason: kind, at, mailId, feedbackId: details.feedbackId });
  }
  if (mailId === undefined || addresses.length === 0) return { kind, suppressed: addresses.length, mailMarked: false };

  const status = kind === 'bounce' ? 'bounced' : 'complained';
  const listAttribute = kind === 'bounce' ? 'bouncedRecipients' : 'complainedRecipients';
  const { GSI1PK, GSI1SK } = mailKeys(mailId, status, at);
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: mailKey(mailId),
        UpdateExpression:
          'SET #status = :status, feedbackAt = :at, updatedAt = :at, GSI1PK = :gsi1pk, GSI1SK = :gsi1sk ' +
          'ADD #list :addresses REMOVE dueAt, leaseUntil, claimId',
        // A complaint outranks a bounce; an expired (TTL-deleted) item is not recreated.
        ConditionExpression:
          kind === 'bounce' ? 'attribute_exists(PK) AND #status <> :complained' : 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#status': 'status', '#list': listAttribute },
        ExpressionAttributeValues: {
          ':status': status,
          ':at': at,
          ':gsi1pk': GSI1PK,
          ':gsi1sk': GSI1SK,
          ':addresses': new Set(addresses),
          ...(kind === 'bounce' && { ':complained': 'complained' }),
        },
      }),
    );
    return { kind, suppressed: addresses.length, mailMarked: true, mailId };
  } catch (error) {
    if (isConditionFailure(error)) {
      return { kind, suppressed: addresses.length, mailMarked: false, mailId };
    }
    throw error;
  }
};
