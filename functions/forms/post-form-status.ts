import { documents, tableName } from '#shared/aws/clients';
import { setFormStatusRoute } from '#shared/forms/contracts';
import { setFormStatus } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(setFormStatusRoute, async ({ params, body }) => ({
  status: 200,
  body: await setFormStatus({ db: documents, table: tableName() }, params.formId, body, new Date()),
}));
