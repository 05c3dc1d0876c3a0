import { routeTable } from '#shared/http/router';

/** Staff sign-in: managed login redirect, code exchange, sign-out. */
export const handler = routeTable({
  'GET /auth/login': () => import('./get-login.ts'),
  'GET /auth/callback': () => import('./get-callback.ts'),
  'POST /auth/logout': () => import('./post-logout.ts'),
});
