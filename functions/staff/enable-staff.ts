import { httpRoute } from '#shared/http/route';
import { enableStaff, staffAdminDeps } from '#shared/staff/admin';
import { enableStaffRoute } from '#shared/staff/contracts';

export const handler = httpRoute(enableStaffRoute, async ({ params }) => ({
  status: 200,
  body: await enableStaff(params.sub, staffAdminDeps()),
}));
