import { documents, tableName } from '#shared/aws/clients';
import { listFormsRoute } from '#shared/forms/contracts';
import { listForms } from '#shared/forms/forms';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(listFormsRoute, async ({ query, caller }) => {
  // Drafts and archived forms are the admins' business.
  if (query.status && query.status !== 'published' && !caller.groups.includes('admin')) {
    throw new HttpProblem(403, 'forbidden', 'Hanya admin yang dapat melihat formulir yang belum diterbitkan');
  }
  return { status: 200, body: await listForms({ db: documents, table: tableName() }, query) };
});
