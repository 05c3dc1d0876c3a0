import { documents, tableName } from '#shared/aws/clients';
import { archiveUnitRoute } from '#shared/directory/contracts';
import { archiveUnit } from '#shared/directory/units';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(archiveUnitRoute, async ({ params, body }) => ({
  status: 200,
  body: await archiveUnit(documents, tableName(), params.code, body.version, new Date()),
}));
