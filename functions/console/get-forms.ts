import { documents, tableName } from '#shared/aws/clients';
import { consoleFormsRoute } from '#shared/console/contracts';
import { formsPage } from '#shared/console/office-pages';
import { listForms } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleFormsRoute, async ({ caller }) => {
  const { items } = await listForms({ db: documents, table: tableName() }, { status: 'published', limit: 100 });
  return { status: 200, html: formsPage(caller, items) };
});
