import { documents, tableName } from '#shared/aws/clients';
import { newFormVersionRoute } from '#shared/forms/contracts';
import { addVersion } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(newFormVersionRoute, async ({ params, body, caller }) => ({
  status: 201,
  body: await addVersion({ db: documents, table: tableName() }, params.formId, body, caller.sub, new Date()),
}));
