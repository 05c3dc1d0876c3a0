import { documents, tableName } from '#shared/aws/clients';
import { importUnitsRoute } from '#shared/directory/contracts';
import { importUnits } from '#shared/directory/import';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(importUnitsRoute, async ({ body }) => ({
  status: 200,
  body: await importUnits(documents, tableName(), body, new Date()),
}));
