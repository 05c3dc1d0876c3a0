import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { listRegistrationsRoute } from '#shared/registrations/contracts';
import { registrationsFor } from '#shared/registrations/views';

export const handler = httpRoute(listRegistrationsRoute, async ({ params, query, caller }) => ({
  status: 200,
  body: {
    items: await registrationsFor({ db: documents, table: tableName() }, caller, params.trainingId, query.office),
  },
}));
