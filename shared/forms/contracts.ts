import * as z from 'zod';
import { PageQuery } from '#shared/directory/paging';
import { defineRoute } from '#shared/http/contract';
import { FieldDefinition, FormFields } from './definition.ts';

const FormId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'id formulir tidak dikenal');

export const FormStatus = z.enum(['draft', 'published', 'archived']);

export const FormSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string().optional(),
    status: FormStatus,
    latestVersion: z.number().int(),
    publishedVersion: z.number().int().optional(),
    version: z.number().int().meta({ description: 'Optimistic-concurrency version of the form head' }),
    updatedAt: z.string(),
  })
  .meta({ id: 'FormSummary' });

export const FormDetail = FormSummary.extend({
  fields: z.array(FieldDefinition).meta({ description: 'Fields of the published version (else the latest)' }),
  fieldsVersion: z.number().int(),
}).meta({ id: 'FormDetail' });

export const NewForm = z.object({
  title: z.string().trim().min(3).max(200),
  description: z.string().trim().max(2000).optional(),
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
    formVersion: z.number().int(),
    formTitle: z.string(),
    officeCode: z.string(),
    submittedBy: z.string(),
    status: SubmissionStatus,
    values: z.record(z.string(), z.unknown()),
    workflowId: z.string().optional().meta({ description: 'The approval workflow, pinned at submission' }),
    workflowVersion: z.number().int().optional(),
    round: z.number().int().optional().meta({ description: 'Approval round (1 + resubmissions)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Submission' });

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
  request: { query: PageQuery.extend({ status: FormStatus.optional() }) },
  responses: {
    200: {
      description: 'A page of forms',
      body: z.object({ items: z.array(FormSummary), next: z.string().optional() }),
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
    query: z.object({ version: z.coerce.number().int().min(1).optional() }),
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
    body: z.object({ fields: FormFields, publish: z.boolean().default(false), expectedVersion: z.number().int() }),
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
      z.object({ action: z.literal('publish'), version: z.number().int().min(1), expectedVersion: z.number().int() }),
      z.object({ action: z.literal('archive'), expectedVersion: z.number().int() }),
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
  request: { query: PageQuery.extend({ office: z.string().max(40).optional() }) },
  responses: {
    200: {
      description: 'A page of submissions',
      body: z.object({ items: z.array(Submission), next: z.string().optional() }),
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
