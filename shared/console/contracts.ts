import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';

/**
 * The staff console: server-rendered pages behind the staff session (`/konsol/...`), in Bahasa Indonesia, working
 * without JavaScript. Every POST is an urlencoded form carrying the session's CSRF token (`_csrf`); its fields are
 * checked by the handler, after the token, so that a mistake shows the form again with the error beside its field.
 */

const tags = ['console'];
const page = (description: string) => ({ description, contentType: 'text/html' });
const staffPages = {
  403: page('Not allowed (role, office, or a missing or wrong CSRF token)'),
  404: page('No such thing'),
} as const;
const postAnswers = {
  303: { description: 'Done: to the page that shows the result' },
  409: page('The state changed meanwhile'),
  422: page('The form again, each error beside its field, the values kept'),
  ...staffPages,
} as const;

const Ulid = (what: string) => z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, `id ${what} tidak dikenal`));
const UnitCodeParam = z.string().check(z.regex(/^[A-Z0-9][A-Z0-9-]{0,39}$/, 'kode unit tidak dikenal'));

/** An urlencoded form as posted: every field a string, a repeated field (checkboxes) an array. */
export const FormPost = z._default(z.record(z.string(), z.union([z.string(), z.array(z.string())])), {});
export type FormPost = z.output<typeof FormPost>;
const form = { body: FormPost, bodyContentType: 'application/x-www-form-urlencoded' };

const text = z.optional(z.string().check(z.maxLength(200)));

const submitters = ['operator', 'admin'] as const;
const adminOnly = ['admin'] as const;

// Home and office work (console/office-api).

export const consoleHomeRoute = defineRoute({
  method: 'GET',
  path: '/konsol',
  auth: 'session',
  summary: "Console home: what the caller's roles can do",
  tags,
  responses: { 200: page('The home page'), ...staffPages },
});

export const consoleFormsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/formulir',
  auth: 'session',
  roles: submitters,
  summary: 'The published forms the office may submit',
  tags,
  responses: { 200: page('Forms'), ...staffPages },
});

export const consoleFormRoute = defineRoute({
  method: 'GET',
  path: '/konsol/formulir/{formId}',
  auth: 'session',
  roles: submitters,
  summary: 'A published form to fill in, rendered from its definition',
  tags,
  request: { params: z.object({ formId: Ulid('formulir') }) },
  responses: { 200: page('The form'), ...staffPages },
});

export const consoleSubmitRoute = defineRoute({
  method: 'POST',
  path: '/konsol/formulir/{formId}',
  auth: 'session',
  roles: submitters,
  summary: "Submit a form for the caller's office; with a workflow attached, its approval starts",
  tags,
  request: { params: z.object({ formId: Ulid('formulir') }), ...form },
  responses: postAnswers,
});

export const consoleSubmissionsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/pengajuan',
  auth: 'session',
  roles: submitters,
  summary: "The office's submissions, newest first, filtered by status and form (admins: any office)",
  tags,
  request: {
    query: z.object({
      status: text,
      formulir: text,
      kantor: text,
      cursor: z.optional(z.string().check(z.maxLength(2000))),
    }),
  },
  responses: { 200: page('Submissions'), ...staffPages },
});

export const consoleSubmissionRoute = defineRoute({
  method: 'GET',
  path: '/konsol/pengajuan/{submissionId}',
  auth: 'session',
  roles: submitters,
  summary: 'A submission: values, stage timeline, audit trail; withdraw, or edit and resubmit after changes asked',
  tags,
  request: {
    params: z.object({ submissionId: Ulid('pengajuan') }),
    query: z.object({ pesan: text }),
  },
  responses: { 200: page('The submission'), ...staffPages },
});

export const consoleSubmissionActionRoute = defineRoute({
  method: 'POST',
  path: '/konsol/pengajuan/{submissionId}',
  auth: 'session',
  roles: submitters,
  summary: '`aksi=tarik` withdraws the submission; `aksi=ajukan-ulang` resubmits edited values',
  tags,
  request: { params: z.object({ submissionId: Ulid('pengajuan') }), ...form },
  responses: postAnswers,
});

// Administration (console/admin-api).

export const consoleAdminFormsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/formulir',
  auth: 'session',
  roles: adminOnly,
  summary: 'Every form by status, and the form to create one',
  tags,
  responses: { 200: page('Forms'), ...staffPages },
});

export const consoleAdminCreateFormRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/formulir',
  auth: 'session',
  roles: adminOnly,
  summary: 'Create a form (draft, version 1) from a title and its fields as JSON',
  tags,
  request: form,
  responses: postAnswers,
});

export const consoleAdminFormRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/formulir/{formId}',
  auth: 'session',
  roles: adminOnly,
  summary: 'A form: versions, a preview of the rendered form, new version, publish or archive, attach a workflow',
  tags,
  request: {
    params: z.object({ formId: Ulid('formulir') }),
    query: z.object({
      versi: z.catch(z.optional(z.coerce.number().check(z.int(), z.minimum(1))), undefined),
      pesan: text,
    }),
  },
  responses: { 200: page('The form'), ...staffPages },
});

export const consoleAdminFormActionRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/formulir/{formId}',
  auth: 'session',
  roles: adminOnly,
  summary: '`aksi=versi` (new version), `terbitkan` (publish a version), `arsipkan`, `alur` (attach a workflow)',
  tags,
  request: { params: z.object({ formId: Ulid('formulir') }), ...form },
  responses: postAnswers,
});

export const consoleAdminWorkflowsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/alur',
  auth: 'session',
  roles: adminOnly,
  summary: 'Workflow definitions, and the form to create one',
  tags,
  responses: { 200: page('Workflows'), ...staffPages },
});

export const consoleAdminCreateWorkflowRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/alur',
  auth: 'session',
  roles: adminOnly,
  summary: 'Create a workflow definition from its name and stages as JSON',
  tags,
  request: form,
  responses: postAnswers,
});

export const consoleAdminWorkflowRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/alur/{workflowId}',
  auth: 'session',
  roles: adminOnly,
  summary: 'A workflow definition (latest or `?versi=`) and the form for its next version',
  tags,
  request: {
    params: z.object({ workflowId: Ulid('alur') }),
    query: z.object({
      versi: z.catch(z.optional(z.coerce.number().check(z.int(), z.minimum(1))), undefined),
      pesan: text,
    }),
  },
  responses: { 200: page('The workflow'), ...staffPages },
});

export const consoleAdminWorkflowVersionRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/alur/{workflowId}',
  auth: 'session',
  roles: adminOnly,
  summary: 'Add the next version of a workflow definition',
  tags,
  request: { params: z.object({ workflowId: Ulid('alur') }), ...form },
  responses: postAnswers,
});

export const consoleAdminDirectoryRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/direktori',
  auth: 'session',
  roles: adminOnly,
  summary: 'The unit tree with QR posters; `?unit=` a unit with its head, acting officials and people; CSV import',
  tags,
  request: { query: z.object({ unit: text, pesan: text }) },
  responses: { 200: page('The directory'), ...staffPages },
});

export const consoleAdminImportRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/direktori',
  auth: 'session',
  roles: adminOnly,
  summary:
    "Import units or people from pasted CSV (the report of bad rows, or of what was written); `aksi=kepala` sets a unit's head and acting official",
  tags,
  request: form,
  responses: { 200: page('What the import wrote'), ...postAnswers },
});

export const consoleAdminStaffRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/staf',
  auth: 'session',
  roles: adminOnly,
  summary: 'Staff accounts, the invitation form, disabling and enabling',
  tags,
  request: { query: z.object({ pesan: text, cursor: z.optional(z.string().check(z.maxLength(2000))) }) },
  responses: { 200: page('Staff'), ...staffPages },
});

export const consoleAdminStaffActionRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/staf',
  auth: 'session',
  roles: adminOnly,
  summary: '`aksi=undang` invites a staff member; `nonaktifkan` and `aktifkan` (with `sub`) change access',
  tags,
  request: form,
  responses: postAnswers,
});

export const consoleAdminMailRoute = defineRoute({
  method: 'GET',
  path: '/konsol/admin/surat',
  auth: 'session',
  roles: adminOnly,
  summary: 'Failed and bounced mail, with resend',
  tags,
  request: { query: z.object({ pesan: text }) },
  responses: { 200: page('Failed mail'), ...staffPages },
});

export const consoleAdminResendRoute = defineRoute({
  method: 'POST',
  path: '/konsol/admin/surat',
  auth: 'session',
  roles: adminOnly,
  summary: 'Resend one failed or bounced mail (`id`)',
  tags,
  request: form,
  responses: postAnswers,
});

// Survey reports (console/office-api too).

export const consoleReportsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/laporan',
  auth: 'session',
  summary: "Survey reports: admins the city's ranking of units for a period; others go to their own unit",
  tags,
  request: {
    query: z.object({
      periode: text,
      minimum: z.catch(z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1_000_000))), undefined),
    }),
  },
  responses: { 200: page('The ranking'), 303: { description: "To the caller's unit" }, ...staffPages },
});

export const consoleUnitReportRoute = defineRoute({
  method: 'GET',
  path: '/konsol/laporan/{unitCode}',
  auth: 'session',
  summary: "A unit's survey report with inline SVG charts: IKM trend, element NRR bars weakest first",
  tags,
  request: { params: z.object({ unitCode: UnitCodeParam }), query: z.object({ dari: text, sampai: text }) },
  responses: { 200: page('The report'), ...staffPages },
});

export const consoleSuggestionsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/laporan/{unitCode}/saran',
  auth: 'session',
  summary: "A unit's suggestions, newest first, with reply and close",
  tags,
  request: {
    params: z.object({ unitCode: UnitCodeParam }),
    query: z.object({ status: text, pesan: text, cursor: z.optional(z.string().check(z.maxLength(2000))) }),
  },
  responses: { 200: page('Suggestions'), ...staffPages },
});

export const consoleFollowUpRoute = defineRoute({
  method: 'POST',
  path: '/konsol/laporan/{unitCode}/saran',
  auth: 'session',
  roles: ['unit-head', 'admin'],
  summary: 'Reply to a suggestion (`responseId`, `reply`) or close it (`aksi=tutup`)',
  tags,
  request: { params: z.object({ unitCode: UnitCodeParam }), ...form },
  responses: postAnswers,
});

/** The console's routes by function (registered in shared/http/catalogue.ts). */
export const consoleOfficeRoutes = [
  consoleHomeRoute,
  consoleFormsRoute,
  consoleFormRoute,
  consoleSubmitRoute,
  consoleSubmissionsRoute,
  consoleSubmissionRoute,
  consoleSubmissionActionRoute,
] as const;
export const consoleAdminRoutes = [
  consoleAdminFormsRoute,
  consoleAdminCreateFormRoute,
  consoleAdminFormRoute,
  consoleAdminFormActionRoute,
  consoleAdminWorkflowsRoute,
  consoleAdminCreateWorkflowRoute,
  consoleAdminWorkflowRoute,
  consoleAdminWorkflowVersionRoute,
  consoleAdminDirectoryRoute,
  consoleAdminImportRoute,
  consoleAdminStaffRoute,
  consoleAdminStaffActionRoute,
  consoleAdminMailRoute,
  consoleAdminResendRoute,
] as const;
export const consoleReportRoutes = [
  consoleReportsRoute,
  consoleUnitReportRoute,
  consoleSuggestionsRoute,
  consoleFollowUpRoute,
] as const;

// Trainings and the approvers' inbox (console/trainings-api).

export const consoleInboxRoute = defineRoute({
  method: 'GET',
  path: '/konsol/kotak-masuk',
  auth: 'session',
  summary: "Requests awaiting the caller's decision, filterable by training and batch, with bulk approve/reject",
  tags,
  request: {
    query: z.object({
      pelatihan: z.union([z.optional(Ulid('pelatihan')), z.literal('')]),
      angkatan: z.optional(z.string().check(z.regex(/^\d{0,2}$/))),
      pesan: text,
    }),
  },
  responses: { 200: page('The inbox'), ...staffPages },
});

export const consoleInboxDecideRoute = defineRoute({
  method: 'POST',
  path: '/konsol/kotak-masuk',
  auth: 'session',
  summary: 'Approve or reject the checked requests (each recorded and audited on its own); a rejection needs a comment',
  tags,
  request: form,
  responses: { ...postAnswers },
});

export const consoleTrainingsRoute = defineRoute({
  method: 'GET',
  path: '/konsol/pelatihan',
  auth: 'session',
  summary: 'Trainings: open ones with seats and waitlists (admins: every status, and a form to create one)',
  tags,
  request: { query: z.object({ pesan: text }) },
  responses: { 200: page('Trainings'), ...staffPages },
});

export const consoleCreateTrainingRoute = defineRoute({
  method: 'POST',
  path: '/konsol/pelatihan',
  auth: 'session',
  roles: adminOnly,
  summary: 'Create a training with its first batch (a draft)',
  tags,
  request: form,
  responses: { ...postAnswers },
});

export const consoleTrainingRoute = defineRoute({
  method: 'GET',
  path: '/konsol/pelatihan/{trainingId}',
  auth: 'session',
  summary:
    "A training: its batches; the office's nominations (cancel); for admins, participants and waitlist, capacity, " +
    'publishing, attendance entry and exports',
  tags,
  request: { params: z.object({ trainingId: Ulid('pelatihan') }), query: z.object({ pesan: text }) },
  responses: { 200: page('The training'), ...staffPages },
});

export const consoleTrainingActionRoute = defineRoute({
  method: 'POST',
  path: '/konsol/pelatihan/{trainingId}',
  auth: 'session',
  summary: 'Act on a training (`aksi`: batalkan, kapasitas, status, hadir)',
  tags,
  request: { params: z.object({ trainingId: Ulid('pelatihan') }), ...form },
  responses: { ...postAnswers },
});

export const consoleTrainingRoutes = [
  consoleInboxRoute,
  consoleInboxDecideRoute,
  consoleTrainingsRoute,
  consoleCreateTrainingRoute,
  consoleTrainingRoute,
  consoleTrainingActionRoute,
] as const;
