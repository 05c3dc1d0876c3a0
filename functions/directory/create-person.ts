import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { createPersonRoute } from '#shared/directory/contracts';
import { createPerson, personView } from '#shared/directory/people';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(createPersonRoute, async ({ body }) => ({
  status: 201,
  body: personView(await createPerson(documents, tableName(), body, new Date(), nipHmacKey), true),
}));
