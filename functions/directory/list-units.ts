import { documents, tableName } from '#shared/aws/clients';
import { listUnitsRoute } from '#shared/directory/contracts';
import { listUnits } from '#shared/directory/units';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(listUnitsRoute, async ({ query }) => ({
  status: 200,
  body: await listUnits(documents, tableName(), query),
}));
