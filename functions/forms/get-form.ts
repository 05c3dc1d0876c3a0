import { documents, tableName } from '#shared/aws/clients';
import { getFormRoute } from '#shared/forms/contracts';
import { getForm } from '#shared/forms/forms';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(getFormRoute, async ({ params, query, caller }) => {
  const form = await getForm({ db: documents, table: tableName() }, params.formId, query.version);
  const admin = caller.groups.includes('admin');
  if (!admin && (form.status !== 'published' || query.version !== undefined)) {
    throw new HttpProblem(404, 'not-found', 'Formulir tidak ditemukan');
  }
  return { status: 200, body: form };
});
