import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { updatePersonRoute } from '#shared/directory/contracts';
import { personView, updatePerson } from '#shared/directory/people';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(updatePersonRoute, async ({ params, body }) => ({
  status: 200,
  body: personView(await updatePerson(documents, tableName(), params.id, body, new Date(), nipHmacKey), true),
}));
