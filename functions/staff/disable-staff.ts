import { httpRoute } from '#shared/http/route';
import { disableStaff, staffAdminDeps } from '#shared/staff/admin';
import { disableStaffRoute } from '#shared/staff/contracts';

export const handler = httpRoute(disableStaffRoute, async ({ params, caller }) => ({
  status: 200,
  body: await disableStaff(params.sub, caller, staffAdminDeps()),
}));
