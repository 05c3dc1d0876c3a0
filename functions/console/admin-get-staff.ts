import { documents, tableName } from '#shared/aws/clients';
import { staffPage } from '#shared/console/admin-pages';
import { consoleAdminStaffRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { httpRoute } from '#shared/http/route';
import { listMembers } from '#shared/staff/members';

export const handler = httpRoute(consoleAdminStaffRoute, async ({ query, caller, event }) => {
  const [{ members, next }, csrf] = await Promise.all([
    listMembers({ db: documents, table: tableName() }, { limit: 100, cursor: query.cursor }),
    csrfToken(event),
  ]);
  return { status: 200, html: staffPage(caller, members, csrf, { notice: noticeOf(query.pesan), next }) };
});
