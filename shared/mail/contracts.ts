import * as z from 'zod';
import { defineRoute } from '#shared/http/contract';
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
    attempts: z.number().int(),
    lastError: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().optional(),
    failedAt: z.string().optional(),
    feedbackAt: z.string().optional(),
    bouncedRecipients: z.array(z.string()).optional(),
    complainedRecipients: z.array(z.string()).optional(),
    skippedRecipients: z.array(z.string()).optional(),
    hasBody: z
      .boolean()
      .meta({ description: 'False once the body of mail carrying a secret was dropped after sending' }),
  })
  .meta({ id: 'MailSummary', description: 'An outbox mail without its body (bodies may hold link tokens)' });

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
      status: z
        .enum(MAIL_STATUSES, { error: `Status harus salah satu dari: ${MAIL_STATUSES.join(', ')}` })
        .default('failed'),
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2000).optional().meta({ description: 'The `next` of the previous page' }),
    }),
  },
  responses: {
    200: {
      description: 'One page of mail; `next` is the cursor of the next page',
      body: z.object({ mail: z.array(MailSummarySchema), next: z.string().optional() }),
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
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'ID surat tidak valid') }),
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
