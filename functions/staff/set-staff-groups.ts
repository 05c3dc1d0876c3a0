import { httpRoute } from '#shared/http/route';
import { setStaffGroups, staffAdminDeps } from '#shared/staff/admin';
import { setStaffGroupsRoute } from '#shared/staff/contracts';

export const handler = httpRoute(setStaffGroupsRoute, async ({ params, body, caller }) => ({
  status: 200,
  body: await setStaffGroups(params.sub, body.groups, caller, staffAdminDeps()),
}));
