import { documents, tableName } from '#shared/aws/clients';
import { listSubmissionsRoute } from '#shared/forms/contracts';
import { listSubmissions } from '#shared/forms/forms';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(listSubmissionsRoute, async ({ query, caller }) => {
  const office = query.office ?? caller.officeCode;
  requireOffice(caller, office);
  return { status: 200, body: await listSubmissions({ db: documents, table: tableName() }, office, query) };
});
