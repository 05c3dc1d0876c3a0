import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { listStaffRoute } from '#shared/staff/contracts';
import { listMembers } from '#shared/staff/members';

export const handler = httpRoute(listStaffRoute, async ({ query }) => {
  const { members, next } = await listMembers({ db: documents, table: tableName() }, query);
  return { status: 200, body: { staff: members, ...(next ? { next } : {}) } };
});
