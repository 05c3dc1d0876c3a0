import { documents, tableName } from '#shared/aws/clients';
import { updateUnitRoute } from '#shared/directory/contracts';
import { updateUnit } from '#shared/directory/units';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(updateUnitRoute, async ({ params, body }) => ({
  status: 200,
  body: await updateUnit(documents, tableName(), params.code, body, new Date()),
}));
