import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { exportPersonRoute } from '#shared/directory/contracts';
import { exportPersonByNip } from '#shared/directory/export';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(exportPersonRoute, async ({ body }) => {
  const found = await exportPersonByNip(documents, tableName(), await nipHmacKey(), body.nip, new Date());
  if (!found) throw new NotFoundError('Tidak ada data yang tersimpan untuk NIP ini');
  return { status: 200, body: found };
});
