import { PageQuery } from '#shared/directory/paging';
import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { FieldDefinition, FormFields } from './definition.ts';

const FormId = z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'id formulir tidak dikenal'));

export const FormStatus = z.enum(['draft', 'published', 'archived']);

/**
 * A form's head, without its component id: `z.extend` keeps a schema's checks, so extending `FormSummary` itself would
 * carry its `meta({ id })` over to `FormDetail`.
 */
const FormHead = z.object({
  id: z.string(),
  title: z.string(),
  description: z.optional(z.string()),
  status: FormStatus,
  latestVersion: z.number().check(z.int()),
  publishedVersion: z.optional(z.number().check(z.int())),
  version: z.number().check(z.int(), z.meta({ description: 'Optimistic-concurrency version of the form head' })),
  updatedAt: z.string(),
});

export const FormSummary = FormHead.check(z.meta({ id: 'FormSummary' }));

export const FormDetail = z
  .extend(FormHead, {
    fields: z
      .array(FieldDefinition)
      .check(z.meta({ description: 'Fields of the published version (else the latest)' })),
    fieldsVersion: z.number().check(z.int()),
  })
  .check(z.meta({ id: 'FormDetail' }));

export const NewForm = z.object({
  title: z.string().check(z.trim(), z.minLength(3), z.maxLength(200)),
  description: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  fields: FormFields,
});

export const SubmissionStatus = z.enum([
  'submitted',
  'in_approval',
  'approved',
  'rejected',
  'changes_requested',
  'withdrawn',
]);

export const Submission = z
  .object({
    id: z.string(),
    formId: z.string(),
    formVersion: z.number().check(z.int()),
    formTitle: z.string(),
    officeCode: z.string(),
    submittedBy: z.string(),
    status: SubmissionStatus,
    values: z.record(z.string(), z.unknown()),
    workflowId: z.optional(z.string()).check(z.meta({ description: 'The approval workflow, pinned at submission' })),
    workflowVersion: z.optional(z.number().check(z.int())),
    round: z.optional(z.number().check(z.int())).check(z.meta({ description: 'Approval round (1 + resubmissions)' })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Submission' }));

const adminOnly = ['admin'] as const;
const submitters = ['operator', 'admin'] as const;

export const createFormRoute = defineRoute({
  method: 'POST',
  path: '/forms',
  auth: 'jwt',
  roles: adminOnly,
  idempotent: true,
  summary: 'Create a form (version 1, draft)',
  tags: ['forms'],
  request: { body: NewForm },
  responses: { 201: { description: 'Created', body: FormDetail } },
});

export const listFormsRoute = defineRoute({
  method: 'GET',
  path: '/forms',
  auth: 'jwt',
  summary: 'Forms: published ones for staff, every form for admins',
  tags: ['forms'],
  request: { query: z.extend(PageQuery, { status: z.optional(FormStatus) }) },
  responses: {
    200: {
      description: 'A page of forms',
      body: z.object({ items: z.array(FormSummary), next: z.optional(z.string()) }),
    },
  },
});

export const getFormRoute = defineRoute({
  method: 'GET',
  path: '/forms/{formId}',
  auth: 'jwt',
  summary: 'A form with the fields of its published version (admins: `?version=` for any version)',
  tags: ['forms'],
  request: {
    params: z.object({ formId: FormId }),
    query: z.object({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) }),
  },
  responses: { 200: { description: 'The form', body: FormDetail }, 404: { description: 'No such form' } },
});

export const newFormVersionRoute = defineRoute({
  method: 'POST',
  path: '/forms/{formId}/versions',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Add a version of the fields (running submissions keep theirs); `publish` makes it the one staff fill in',
  tags: ['forms'],
  request: {
    params: z.object({ formId: FormId }),
    body: z.object({
      fields: FormFields,
      publish: z._default(z.boolean(), false),
      expectedVersion: z.number().check(z.int()),
    }),
  },
  responses: { 201: { description: 'The form', body: FormDetail }, 409: { description: 'Changed meanwhile' } },
});

export const setFormStatusRoute = defineRoute({
  method: 'POST',
  path: '/forms/{formId}/status',
  auth: 'jwt',
  roles: adminOnly,
  summary: 'Publish a version, or archive the form (no new submissions; existing ones continue)',
  tags: ['forms'],
  request: {
    params: z.object({ formId: FormId }),
    body: z.discriminatedUnion('action', [
      z.object({
        action: z.literal('publish'),
        version: z.number().check(z.int(), z.minimum(1)),
        expectedVersion: z.number().check(z.int()),
      }),
      z.object({ action: z.literal('archive'), expectedVersion: z.number().check(z.int()) }),
    ]),
  },
  responses: { 200: { description: 'The form', body: FormDetail }, 409: { description: 'Changed meanwhile' } },
});

export const submitFormRoute = defineRoute({
  method: 'POST',
  path: '/forms/{formId}/submissions',
  auth: 'jwt',
  roles: submitters,
  idempotent: true,
  summary: "Submit the form's published version for the caller's office (send an Idempotency-Key to retry safely)",
  tags: ['forms'],
  request: {
    params: z.object({ formId: FormId }),
    body: z.object({ values: z.record(z.string(), z.unknown()) }),
  },
  responses: {
    201: { description: 'Submitted', body: Submission },
    404: { description: 'No such form' },
    409: { description: 'The form is not open for submissions' },
    422: { description: 'Values do not fit the form; each bad field is named' },
  },
});

export const listSubmissionsRoute = defineRoute({
  method: 'GET',
  path: '/submissions',
  auth: 'jwt',
  summary: "Submissions of the caller's office, newest first (admins: any office with `?office=`)",
  tags: ['forms'],
  request: { query: z.extend(PageQuery, { office: z.optional(z.string().check(z.maxLength(40))) }) },
  responses: {
    200: {
      description: 'A page of submissions',
      body: z.object({ items: z.array(Submission), next: z.optional(z.string()) }),
    },
  },
});

export const getSubmissionRoute = defineRoute({
  method: 'GET',
  path: '/submissions/{submissionId}',
  auth: 'jwt',
  summary: 'One submission (its office and admins only)',
  tags: ['forms'],
  request: { params: z.object({ submissionId: FormId }) },
  responses: {
    200: { description: 'The submission', body: Submission },
    403: { description: "Another office's submission" },
    404: { description: 'No such submission' },
  },
});
