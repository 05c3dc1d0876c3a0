import { PageQuery } from '#shared/directory/paging';
import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { WorkflowDefinition } from './definition.ts';

const Ulid = (what: string) => z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, `id ${what} tidak dikenal`));
const WorkflowId = Ulid('alur');
const FormId = Ulid('formulir');
const SubmissionId = Ulid('pengajuan');
const tags = ['workflow'];
const adminOnly = ['admin'] as const;
const submitters = ['operator', 'admin'] as const;

/**
 * A definition's head, without its component id: `z.extend` keeps a schema's checks, so extending `WorkflowSummary`
 * itself would carry its `meta({ id })` over to `WorkflowDetail`.
 */
const WorkflowHead = z.object({
  id: z.string(),
  name: z.string(),
  latestVersion: z.number().check(z.int()),
  version: z.number().check(z.int(), z.meta({ description: 'Optimistic-concurrency version of the head' })),
  updatedAt: z.string(),
});

export const WorkflowSummary = WorkflowHead.check(z.meta({ id: 'WorkflowSummary' }));

export const WorkflowDetail = z
  .extend(WorkflowHead, {
    definition: WorkflowDefinition,
    definitionVersion: z.number().check(z.int()),
  })
  .check(z.meta({ id: 'WorkflowDetail' }));

export const Seat = z.object({
  seat: z.string(),
  name: z.string(),
  /** Who the seat was delegated from (one hop). */
  delegatedFrom: z.optional(z.string()),
  vote: z.optional(z.enum(['approve', 'reject', 'changes'])),
});

export const StageStatus = z.enum(['open', 'approved', 'rejected', 'changes_requested', 'skipped', 'withdrawn']);

export const StageView = z
  .object({
    round: z.number().check(z.int()),
    stageIndex: z.number().check(z.int()),
    name: z.string(),
    status: StageStatus,
    rule: z.string().check(z.meta({ description: '`all`, `any` or `quorum k of n`' })),
    seats: z.array(Seat),
    openedAt: z.string(),
    reminderAt: z.optional(z.string()),
    deadlineAt: z.optional(z.string()),
    closedAt: z.optional(z.string()),
    escalated: z.boolean(),
    reason: z.optional(z.string()).check(z.meta({ description: 'Why it closed as it did, when not by votes alone' })),
  })
  .check(z.meta({ id: 'Stage' }));

export const AuditEntry = z
  .object({
    at: z.string(),
    event: z.string(),
    actor: z.optional(z.string()),
    round: z.optional(z.number().check(z.int())),
    stage: z.optional(z.string()),
    decision: z.optional(z.string()),
    comment: z.optional(z.string()),
    detail: z.optional(z.string()),
    /** Pseudonyms of the network client of a link decision (HMAC of the IP address; a hash of the user agent). */
    ipHash: z.optional(z.string()),
    userAgentHash: z.optional(z.string()),
  })
  .check(z.meta({ id: 'AuditEntry' }));

export const createWorkflowRoute = defineRoute({
  method: 'POST',
  path: '/workflows',
  auth: 'jwt',
  roles: adminOnly,
  idempotent: true,
  summary: 'Create a workflow definition (version 1): ordered stages, approvers, rules, conditions, deadlines',
  tags,
  request: { body: WorkflowDefinition },
  responses: { 201: { description: 'Created', body: WorkflowDetail } },
});

export const listWorkflowsRoute = defineRoute({
  method: 'GET',
  path: '/workflows',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Workflow definitions by name',
  tags,
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'A page of definitions',
      body: z.object({ items: z.array(WorkflowSummary), next: z.optional(z.string()) }),
    },
  },
});

export const getWorkflowRoute = defineRoute({
  method: 'GET',
  path: '/workflows/{workflowId}',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'A workflow definition with its latest (or `?version=`) stages',
  tags,
  request: {
    params: z.object({ workflowId: WorkflowId }),
    query: z.object({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) }),
  },
  responses: { 200: { description: 'The definition', body: WorkflowDetail }, 404: { description: 'No such' } },
});

export const newWorkflowVersionRoute = defineRoute({
  method: 'POST',
  path: '/workflows/{workflowId}/versions',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Add a version of the stages; new submissions use it, running requests keep the version they pinned',
  tags,
  request: {
    params: z.object({ workflowId: WorkflowId }),
    body: z.object({ definition: WorkflowDefinition, expectedVersion: z.number().check(z.int()) }),
  },
  responses: {
    201: { description: 'The definition', body: WorkflowDetail },
    409: { description: 'Changed meanwhile' },
  },
});

export const attachWorkflowRoute = defineRoute({
  method: 'PUT',
  path: '/forms/{formId}/workflow',
  auth: 'jwt',
  roles: adminOnly,
  summary: "Attach a workflow to a form (or detach with `null`); each submission pins the workflow's latest version",
  tags,
  request: {
    params: z.object({ formId: FormId }),
    body: z.object({ workflowId: z.nullable(WorkflowId), expectedVersion: z.number().check(z.int()) }),
  },
  responses: {
    200: { description: 'Attached', body: z.object({ formId: z.string(), workflowId: z.nullable(z.string()) }) },
    404: { description: 'No such form or workflow' },
    409: { description: 'The form changed meanwhile' },
  },
});

export const resubmitRoute = defineRoute({
  method: 'POST',
  path: '/submissions/{submissionId}/resubmit',
  auth: 'jwt',
  roles: submitters,
  summary: 'Edit and resubmit after "request changes": a new round with fresh links (old links die)',
  tags,
  request: {
    params: z.object({ submissionId: SubmissionId }),
    body: z.object({ values: z.record(z.string(), z.unknown()) }),
  },
  responses: {
    200: { description: 'Resubmitted' },
    409: { description: 'The submission is not waiting for changes' },
    422: { description: 'Values do not fit the form; each bad field is named' },
  },
});

export const withdrawRoute = defineRoute({
  method: 'POST',
  path: '/submissions/{submissionId}/withdraw',
  auth: 'jwt',
  roles: submitters,
  summary: 'Withdraw a submission while it is in approval (or waiting for changes)',
  tags,
  request: {
    params: z.object({ submissionId: SubmissionId }),
    body: z.object({ reason: z.optional(z.string().check(z.trim(), z.maxLength(1000))) }),
  },
  responses: {
    200: { description: 'Withdrawn' },
    409: { description: 'Already decided (e.g. the final approval came first)' },
  },
});

export const submissionProgressRoute = defineRoute({
  method: 'GET',
  path: '/submissions/{submissionId}/progress',
  auth: 'jwt',
  summary: 'Where a submission stands: its stages round by round (who decided what and when) and the audit trail',
  tags,
  request: { params: z.object({ submissionId: SubmissionId }) },
  responses: {
    200: {
      description: 'Stages and audit trail, in order',
      body: z.object({
        status: z.string(),
        round: z.number().check(z.int()),
        stages: z.array(StageView),
        audit: z.array(AuditEntry),
      }),
    },
    403: { description: "Another office's submission" },
    404: { description: 'No such submission' },
  },
});

export const submissionStatusPageRoute = defineRoute({
  method: 'GET',
  path: '/pengajuan/{submissionId}',
  auth: 'session',
  summary: "The requester's status page (HTML): stages, decisions, comments and the audit trail",
  tags,
  request: { params: z.object({ submissionId: SubmissionId }) },
  responses: {
    200: { description: 'The status page', contentType: 'text/html' },
    403: { description: "Another office's submission", contentType: 'text/html' },
    404: { description: 'No such submission', contentType: 'text/html' },
  },
});

/** A link token in a path: 32 random bytes, base64url. Anything else is an unknown link (a page, not a 422). */
const LinkParams = z.object({ token: z.string() });

export const approvalPageRoute = defineRoute({
  method: 'GET',
  path: '/approvals/{token}',
  auth: 'public',
  summary: 'The confirmation page of an email link: the request and the choices. Changes nothing',
  tags,
  request: { params: LinkParams },
  responses: {
    200: { description: 'The decision page', contentType: 'text/html' },
    404: { description: 'Unknown link', contentType: 'text/html' },
    409: { description: 'Already used or already decided', contentType: 'text/html' },
    410: { description: 'Expired, superseded or withdrawn', contentType: 'text/html' },
  },
});

/** The decision form; checked by the handler so that a mistake shows the page again with the error beside it. */
export const DecisionForm = z.object({
  decision: z.optional(z.string().check(z.maxLength(20))),
  comment: z.optional(z.string().check(z.maxLength(5000))),
  delegateTo: z.optional(z.string().check(z.maxLength(320))),
});

/**
 * Decisions per client address: a person decides a few times a minute at most; the room above that is for an office
 * behind one NAT address working through a batch of links. Guessing a 256-bit token is hopeless anyway; the limit
 * keeps a flood from costing money.
 */
export const DECISION_RATE_LIMIT = { perMinute: 200, perDay: 5000 } as const;

export const decideRoute = defineRoute({
  method: 'POST',
  path: '/approvals/{token}',
  auth: 'public',
  rateLimit: DECISION_RATE_LIMIT,
  summary: 'Decide once on an email link (urlencoded): approve, reject, request changes (comment required) or delegate',
  tags,
  request: { params: LinkParams, body: DecisionForm, bodyContentType: 'application/x-www-form-urlencoded' },
  responses: {
    200: { description: 'Recorded', contentType: 'text/html' },
    404: { description: 'Unknown link', contentType: 'text/html' },
    409: { description: 'Already used or already decided', contentType: 'text/html' },
    410: { description: 'Expired, superseded or withdrawn', contentType: 'text/html' },
    422: { description: 'The page again, with the error beside its field', contentType: 'text/html' },
    429: { description: 'Too many decisions from this client', contentType: 'text/html' },
  },
});

export const InboxItem = z
  .object({
    submissionId: z.string(),
    round: z.number().check(z.int()),
    stageIndex: z.number().check(z.int()),
    seat: z.string(),
    stageName: z.string(),
    formId: z.string(),
    formTitle: z.string(),
    officeCode: z.string(),
    batch: z
      .optional(z.number().check(z.int()))
      .check(z.meta({ description: 'Training batch (angkatan), for registrations' })),
    openedAt: z.string(),
    deadlineAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'InboxItem' }));

export const inboxRoute = defineRoute({
  method: 'GET',
  path: '/inbox',
  auth: 'jwt',
  summary: "Requests awaiting the caller's decision (seats by their email), filterable by form (a training) and batch",
  tags,
  request: {
    query: z.object({
      formId: z.optional(FormId),
      batch: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(20))),
    }),
  },
  responses: { 200: { description: 'Open seats', body: z.object({ items: z.array(InboxItem) }) } },
});

export const inboxDecisionsRoute = defineRoute({
  method: 'POST',
  path: '/inbox/decisions',
  auth: 'jwt',
  summary:
    'Approve or reject several requests at once from the inbox; each decision is recorded per request, with the ' +
    'same rules and audit as a link decision (a rejection needs a comment)',
  tags,
  request: {
    body: z
      .object({
        items: z
          .array(
            z.object({
              submissionId: SubmissionId,
              round: z.number().check(z.int(), z.minimum(1)),
              stageIndex: z.number().check(z.int(), z.minimum(0)),
              seat: z.string().check(z.regex(/^[se]\d{1,2}$/)),
            }),
          )
          .check(z.minLength(1), z.maxLength(100)),
        decision: z.enum(['approve', 'reject']),
        comment: z._default(z.string().check(z.trim(), z.maxLength(5000)), ''),
      })
      .check(
        z.refine((body) => body.decision !== 'reject' || body.comment.length > 0, {
          path: ['comment'],
          message: 'Tuliskan alasan penolakan.',
        }),
      ),
  },
  responses: {
    200: {
      description:
        'The outcome per request: recorded, or why not (not yours, already decided, closed; failed: the service was ' +
        'busy after earlier ones were recorded, nothing written for it, send it again)',
      body: z.object({
        results: z.array(
          z.object({
            submissionId: z.string(),
            outcome: z.enum(['recorded', 'not-yours', 'decided', 'closed', 'invalid', 'failed']),
          }),
        ),
      }),
    },
  },
});
