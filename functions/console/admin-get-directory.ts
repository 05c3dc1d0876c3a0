import { documents, tableName } from '#shared/aws/clients';
import { directoryPage, unitPage } from '#shared/console/admin-pages';
import { consoleAdminDirectoryRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { unitView } from '#shared/console/directory';
import { noticeOf } from '#shared/console/layout';
import { allUnits } from '#shared/directory/units';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleAdminDirectoryRoute, async ({ query, caller, event }) => {
  const csrf = await csrfToken(event);
  if (query.unit) {
    const { unit, people, candidates } = await unitView(query.unit);
    return { status: 200, html: unitPage(caller, unit, people, candidates, csrf, { notice: noticeOf(query.pesan) }) };
  }
  return { status: 200, html: directoryPage(caller, await allUnits(documents, tableName()), csrf) };
});
