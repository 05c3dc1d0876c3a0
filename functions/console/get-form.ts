import { documents, tableName } from '#shared/aws/clients';
import { consoleFormRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { fillPage } from '#shared/console/office-pages';
import { getForm } from '#shared/forms/forms';
import { notFound } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleFormRoute, async ({ params, caller, event }) => {
  const form = await getForm({ db: documents, table: tableName() }, params.formId);
  // Drafts and archived forms cannot be submitted: the operator sees them as not there.
  if (form.status !== 'published') throw notFound('Formulir tidak ditemukan');
  return { status: 200, html: fillPage(caller, form, await csrfToken(event)) };
});
