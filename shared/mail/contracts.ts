import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { MAIL_STATUSES } from './outbox.ts';

/** Routes for admins over the mail outbox: what failed or bounced, and sending it again. */

const tags = ['mail'];

export const MailSummarySchema = z
  .object({
    id: z.string(),
    status: z.enum(MAIL_STATUSES),
    template: z.string(),
    subject: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    attempts: z.int(),
    lastError: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.optional(z.string()),
    failedAt: z.optional(z.string()),
    feedbackAt: z.optional(z.string()),
    bouncedRecipients: z.optional(z.array(z.string())),
    complainedRecipients: z.optional(z.array(z.string())),
    skippedRecipients: z.optional(z.array(z.string())),
    hasBody: z
      .boolean()
      .check(z.meta({ description: 'False once the body of mail carrying a secret was dropped after sending' })),
  })
  .check(z.meta({ id: 'MailSummary', description: 'An outbox mail without its body (bodies may hold link tokens)' }));

const refused = {
  401: { description: 'No valid bearer token' },
  403: { description: 'Not an active staff member, or not an admin' },
} as const;

export const listMailRoute = defineRoute({
  method: 'GET',
  path: '/mail',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Outbox mail in one status, newest first (failed by default): what to look at and resend',
  tags,
  request: {
    query: z.object({
      status: z._default(
        z.enum(MAIL_STATUSES, { error: `Status harus salah satu dari: ${MAIL_STATUSES.join(', ')}` }),
        'failed',
      ),
      limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
      cursor: z
        .optional(z.string().check(z.maxLength(2000)))
        .check(z.meta({ description: 'The `next` of the previous page' })),
    }),
  },
  responses: {
    200: {
      description: 'One page of mail; `next` is the cursor of the next page',
      body: z.object({ mail: z.array(MailSummarySchema), next: z.optional(z.string()) }),
    },
    422: { description: 'Unknown status, or a cursor this listing did not hand out' },
    ...refused,
  },
});

export const resendMailRoute = defineRoute({
  method: 'POST',
  path: '/mail/{id}/resend',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    'Send a failed or bounced mail again: it is queued with its attempts reset and sent at once (the reconciler ' +
    'retries it otherwise). Refused while a recipient is suppressed after a bounce or complaint.',
  tags,
  request: {
    params: z.object({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'ID surat tidak valid')) }),
  },
  responses: {
    200: {
      description: 'Queued; `outcome` says what the immediate attempt did (`sent`, `retry`, `failed`, `queued`, ...)',
      body: z.object({ id: z.string(), outcome: z.string() }),
    },
    404: { description: 'No such mail' },
    409: {
      description:
        'Not failed or bounced, its body is gone, a recipient is suppressed, or another admin resent it just now',
    },
    ...refused,
  },
});
