import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { mailStatusPartition } from '#shared/db/keys';
import type { CheckResult, ReconcilerCheck, ReconcilerContext } from '#shared/reconciler/index';
import { deliver, MAIL_POLICY, type MailDeps, type MailItem, mailDeps } from './outbox.ts';

// A send may take up to its timeout; one that could outlive the invocation is not started (a killed sender leaves a
// lease to expire, and a message SES may have accepted).
const TIME_PER_SEND_MS = MAIL_POLICY.sendTimeoutMs + 5_000;
const PAGE_SIZE = 25;

/**
 * Sends the mail its committing request did not: `sending` items whose lease expired (the sender died) and `pending`
 * items past their due time (the grace period after commit, or the backoff after a failed attempt). Items over the
 * attempt limit become `failed`. Each item goes through {@link deliver}, so a sender still alive is never raced.
 * `found` counts due items handled; `repaired` those now sent (or settled as suppressed); `failed` those whose
 * attempt failed (pending again with a backoff, or given up).
 */
export const reconcileMail = async (context: ReconcilerContext, deps: MailDeps): Promise<CheckResult> => {
  const result: CheckResult = { found: 0, repaired: 0, failed: 0 };
  // Everything whose time (lease end, due time) is not after now: the sort key is `<time>#<id>`.
  const bound = `${context.now().toISOString()}#\uffff`;
  const hasRoom = () => result.found < context.maxItems && context.timeLeftMs() > TIME_PER_SEND_MS;
  for (const status of ['sending', 'pending'] as const) {
    let cursor: Record<string, unknown> | undefined;
    do {
      if (!hasRoom()) return result;
      const page: QueryCommandOutput = await deps.db.send(
        new QueryCommand({
          TableName: deps.table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :partition AND GSI1SK <= :bound',
          ExpressionAttributeValues: { ':partition': mailStatusPartition(status), ':bound': bound },
          Limit: Math.min(PAGE_SIZE, context.maxItems - result.found),
          ExclusiveStartKey: cursor,
        }),
      );
      for (const item of (page.Items ?? []) as MailItem[]) {
        if (!hasRoom()) return result;
        result.found++;
        const outcome = await deliver(item, deps);
        if (outcome === 'sent' || outcome === 'suppressed') result.repaired++;
        else if (outcome === 'retry' || outcome === 'failed') result.failed++;
      }
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }
  return result;
};

/** The reconciler check for mail, with delivery configured from the function's environment. */
export const mailNotSent: ReconcilerCheck = {
  name: 'mail-not-sent',
  run: (context) => reconcileMail(context, mailDeps()),
};
