import { routeTable } from '#shared/http/router';

/** Email links: the decision page (GET, reads only) and the decision (POST). */
export const handler = routeTable({
  'GET /approvals/{token}': () => import('./get-approval.ts'),
  'POST /approvals/{token}': () => import('./post-approval.ts'),
});
