import { documents, tableName } from '#shared/aws/clients';
import { adminFormsPage } from '#shared/console/admin-pages';
import { consoleAdminFormsRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { listForms } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleAdminFormsRoute, async ({ caller, event }) => {
  const store = { db: documents, table: tableName() };
  const pages = await Promise.all(
    (['draft', 'published', 'archived'] as const).map((status) => listForms(store, { status, limit: 100 })),
  );
  return {
    status: 200,
    html: adminFormsPage(
      caller,
      pages.flatMap((p) => p.items),
      await csrfToken(event),
    ),
  };
});
