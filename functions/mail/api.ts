import { routeTable } from '#shared/http/router';

/** Failed mail, for admins. */
export const handler = routeTable({
  'GET /mail': () => import('./list-mail.ts'),
  'POST /mail/{id}/resend': () => import('./resend-mail.ts'),
});
