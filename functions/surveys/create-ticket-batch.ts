import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { createTicketBatchRoute } from '#shared/surveys/contracts';
import { createTicketBatch } from '#shared/surveys/tickets';

export const handler = httpRoute(createTicketBatchRoute, async ({ params, body, caller }) => {
  requireOffice(caller, params.unitCode);
  return {
    status: 201,
    body: await createTicketBatch(documents, tableName(), params.unitCode, body, caller.sub, new Date()),
  };
});
