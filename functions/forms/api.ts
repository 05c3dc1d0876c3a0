import { routeTable } from '#shared/http/router';

/** Forms and their submissions. */
export const handler = routeTable({
  'POST /forms': () => import('./post-form.ts'),
  'GET /forms': () => import('./get-forms.ts'),
  'GET /forms/{formId}': () => import('./get-form.ts'),
  'POST /forms/{formId}/versions': () => import('./post-form-version.ts'),
  'POST /forms/{formId}/status': () => import('./post-form-status.ts'),
  'POST /forms/{formId}/submissions': () => import('./post-submission.ts'),
  'GET /submissions': () => import('./get-submissions.ts'),
  'GET /submissions/{submissionId}': () => import('./get-submission.ts'),
});
