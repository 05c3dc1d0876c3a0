import { documents, tableName } from '#shared/aws/clients';
import { getUnitRoute } from '#shared/directory/contracts';
import { unitDetail } from '#shared/directory/positions';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(getUnitRoute, async ({ params, query }) => {
  const detail = await unitDetail(documents, tableName(), params.code, query.at ? new Date(query.at) : new Date());
  if (!detail) throw new NotFoundError(`Unit ${params.code} tidak ditemukan`);
  return { status: 200, body: detail };
});
