import { httpRoute } from '#shared/http/route';
import { inviteStaff, staffAdminDeps } from '#shared/staff/admin';
import { inviteStaffRoute } from '#shared/staff/contracts';

export const handler = httpRoute(inviteStaffRoute, async ({ body }) => ({
  status: 201,
  body: await inviteStaff(body, staffAdminDeps()),
}));
