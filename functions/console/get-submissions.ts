import { documents, tableName } from '#shared/aws/clients';
import { consoleSubmissionsRoute } from '#shared/console/contracts';
import { submissionsPage } from '#shared/console/office-pages';
import { listForms, listSubmissions } from '#shared/forms/forms';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleSubmissionsRoute, async ({ query, caller }) => {
  const office = query.kantor?.trim().toUpperCase() || caller.officeCode;
  requireOffice(caller, office);
  const store = { db: documents, table: tableName() };
  const [page, forms] = await Promise.all([
    listSubmissions(store, office, { limit: 100, cursor: query.cursor }),
    listForms(store, { status: 'published', limit: 100 }),
  ]);
  // Filters apply to the page read (the newest 100): an office files a handful a day.
  const items = page.items.filter(
    (s) => (!query.status || s.status === query.status) && (!query.formulir || s.formId === query.formulir),
  );
  const titles = new Map(
    [...forms.items, ...page.items.map((s) => ({ id: s.formId, title: s.formTitle }))].map((f) => [f.id, f.title]),
  );
  const choices = [...titles].map(([id, title]) => ({ id, title }));
  return {
    status: 200,
    html: submissionsPage(caller, office, items, { status: query.status, formId: query.formulir }, choices, page.next),
  };
});
