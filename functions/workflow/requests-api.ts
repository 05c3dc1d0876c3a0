import { routeTable } from '#shared/http/router';

/** The inbox with bulk decisions, and requests in flight, for their office: resubmit, withdraw, progress and the status page. */
export const handler = routeTable({
  'GET /inbox': () => import('./get-inbox.ts'),
  'POST /inbox/decisions': () => import('./post-inbox-decisions.ts'),
  'POST /submissions/{submissionId}/resubmit': () => import('./resubmit.ts'),
  'POST /submissions/{submissionId}/withdraw': () => import('./withdraw.ts'),
  'GET /submissions/{submissionId}/progress': () => import('./get-progress.ts'),
  'GET /pengajuan/{submissionId}': () => import('./get-status-page.ts'),
});
