import { routeTable } from '#shared/http/router';

/** Staff accounts: invitations and access. */
export const handler = routeTable({
  'POST /staff': () => import('./invite-staff.ts'),
  'GET /staff': () => import('./list-staff.ts'),
  'POST /staff/{sub}/disable': () => import('./disable-staff.ts'),
  'POST /staff/{sub}/enable': () => import('./enable-staff.ts'),
  'PUT /staff/{sub}/groups': () => import('./set-staff-groups.ts'),
});
