import { expectedVersion, fieldsOf, text } from '#shared/console/admin-forms';
import { adminFormPage } from '#shared/console/admin-pages';
import { consoleAdminFormActionRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { errorsByField } from '#shared/console/layout';
import { InvalidError } from '#shared/errors';
import { addVersion, getForm, setFormStatus } from '#shared/forms/forms';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { attachedWorkflowOf, attachWorkflow, listWorkflows } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminFormActionRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  const store = engineDeps();
  const formId = params.formId;
  const expected = expectedVersion(body);
  const page = `/konsol/admin/formulir/${formId}`;
  /** The page again with the errors beside their fields (422). */
  const refused = async (errors: Map<string, string>) => {
    const [form, workflows, attached, csrf] = await Promise.all([
      getForm(store, formId),
      listWorkflows(store, { limit: 100 }),
      attachedWorkflowOf(store, formId),
      csrfToken(event),
    ]);
    const posted = { fields: text(body, 'kolom') || undefined };
    return { status: 422, html: adminFormPage(caller, form, workflows.items, attached, csrf, { posted, errors }) };
  };
  switch (body.aksi) {
    case 'versi': {
      const fields = fieldsOf(body);
      if (!fields.ok) return refused(fields.errors);
      const publish = text(body, 'terbitkan') === 'ya';
      const form = await addVersion(
        store,
        formId,
        { fields: fields.value, publish, expectedVersion: expected },
        caller.sub,
        new Date(),
      );
      return { status: 303, location: `${page}?versi=${form.latestVersion}&pesan=versi` };
    }
    case 'terbitkan': {
      const version = Number.parseInt(text(body, 'versi'), 10) || 0;
      try {
        await setFormStatus(store, formId, { action: 'publish', version, expectedVersion: expected }, new Date());
      } catch (error) {
        if (error instanceof InvalidError) return refused(errorsByField(error.errors));
        throw error;
      }
      return { status: 303, location: `${page}?pesan=diterbitkan` };
    }
    case 'arsipkan':
      await setFormStatus(store, formId, { action: 'archive', expectedVersion: expected }, new Date());
      return { status: 303, location: `${page}?pesan=diarsipkan` };
    case 'alur':
      await attachWorkflow(
        store,
        formId,
        { workflowId: text(body, 'workflowId') || null, expectedVersion: expected },
        new Date(),
      );
      return { status: 303, location: `${page}?pesan=alur` };
    default:
      throw new HttpProblem(422, 'validation', 'Tindakan tidak dikenal');
  }
});
