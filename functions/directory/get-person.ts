import { documents, tableName } from '#shared/aws/clients';
import { getPersonRoute } from '#shared/directory/contracts';
import { personDetail } from '#shared/directory/people';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(getPersonRoute, async ({ params, caller }) => {
  const detail = await personDetail(documents, tableName(), params.id, caller.groups.includes('admin'));
  if (!detail) throw new NotFoundError('Orang ini tidak ditemukan di direktori');
  return { status: 200, body: detail };
});
