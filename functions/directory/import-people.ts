import { documents, tableName } from '#shared/aws/clients';
import { nipHmacKey } from '#shared/aws/secrets';
import { importPeopleRoute } from '#shared/directory/contracts';
import { importPeople } from '#shared/directory/import';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(importPeopleRoute, async ({ body }) => ({
  status: 200,
  body: await importPeople(documents, tableName(), body, new Date(), nipHmacKey),
}));
