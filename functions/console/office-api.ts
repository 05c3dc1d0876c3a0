import { routeTable } from '#shared/http/router';

/**
 * The console's home and the work of offices and units: forms to fill, the office's submissions (withdraw,
 * resubmit), survey reports with charts and suggestions to answer.
 */
export const handler = routeTable({
  'GET /konsol': () => import('./get-home.ts'),
  'GET /konsol/formulir': () => import('./get-forms.ts'),
  'GET /konsol/formulir/{formId}': () => import('./get-form.ts'),
  'POST /konsol/formulir/{formId}': () => import('./post-form.ts'),
  'GET /konsol/pengajuan': () => import('./get-submissions.ts'),
  'GET /konsol/pengajuan/{submissionId}': () => import('./get-submission.ts'),
  'POST /konsol/pengajuan/{submissionId}': () => import('./post-submission.ts'),
  'GET /konsol/laporan': () => import('./get-reports.ts'),
  'GET /konsol/laporan/{unitCode}': () => import('./get-report.ts'),
  'GET /konsol/laporan/{unitCode}/saran': () => import('./get-suggestions.ts'),
  'POST /konsol/laporan/{unitCode}/saran': () => import('./post-suggestion.ts'),
});
