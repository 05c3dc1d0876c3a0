import { documents, tableName } from '#shared/aws/clients';
import { createUnitRoute } from '#shared/directory/contracts';
import { createUnit } from '#shared/directory/units';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(createUnitRoute, async ({ body }) => ({
  status: 201,
  body: await createUnit(documents, tableName(), body, new Date()),
}));
