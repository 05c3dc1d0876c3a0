import { routeTable } from '#shared/http/router';

/** The admins' console pages: forms, workflow definitions, directory and imports, staff, failed mail. */
export const handler = routeTable({
  'GET /konsol/admin/formulir': () => import('./admin-get-forms.ts'),
  'POST /konsol/admin/formulir': () => import('./admin-post-forms.ts'),
  'GET /konsol/admin/formulir/{formId}': () => import('./admin-get-form.ts'),
  'POST /konsol/admin/formulir/{formId}': () => import('./admin-post-form.ts'),
  'GET /konsol/admin/alur': () => import('./admin-get-workflows.ts'),
  'POST /konsol/admin/alur': () => import('./admin-post-workflows.ts'),
  'GET /konsol/admin/alur/{workflowId}': () => import('./admin-get-workflow.ts'),
  'POST /konsol/admin/alur/{workflowId}': () => import('./admin-post-workflow.ts'),
  'GET /konsol/admin/direktori': () => import('./admin-get-directory.ts'),
  'POST /konsol/admin/direktori': () => import('./admin-post-directory.ts'),
  'GET /konsol/admin/staf': () => import('./admin-get-staff.ts'),
  'POST /konsol/admin/staf': () => import('./admin-post-staff.ts'),
  'GET /konsol/admin/surat': () => import('./admin-get-mail.ts'),
  'POST /konsol/admin/surat': () => import('./admin-post-mail.ts'),
});
