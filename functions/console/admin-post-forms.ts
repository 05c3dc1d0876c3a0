import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { newFormOf, text } from '#shared/console/admin-forms';
import { adminFormsPage } from '#shared/console/admin-pages';
import { consoleAdminCreateFormRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { createForm, listForms } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(consoleAdminCreateFormRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const store = { db: documents, table: tableName() };
  const input = newFormOf(body);
  if (!input.ok) {
    const forms = await listForms(store, { status: 'draft', limit: 100 });
    const posted = { title: text(body, 'judul'), description: text(body, 'keterangan'), fields: text(body, 'kolom') };
    return { status: 422, html: adminFormsPage(caller, forms.items, await csrfToken(event), posted, input.errors) };
  }
  const form = await createForm(store, input.value, caller.sub, ulid(), new Date());
  return { status: 303, location: `/konsol/admin/formulir/${form.id}?pesan=dibuat` };
});
