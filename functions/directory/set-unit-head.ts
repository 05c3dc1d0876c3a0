import { documents, tableName } from '#shared/aws/clients';
import { setUnitHeadRoute } from '#shared/directory/contracts';
import { setHead } from '#shared/directory/positions';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(setUnitHeadRoute, async ({ params, body }) => ({
  status: 200,
  body: await setHead(documents, tableName(), params.code, body, new Date()),
}));
