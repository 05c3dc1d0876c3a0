import { adminFormPage } from '#shared/console/admin-pages';
import { consoleAdminFormRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { getForm } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';
import { attachedWorkflowOf, listWorkflows } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminFormRoute, async ({ params, query, caller, event }) => {
  const store = engineDeps();
  const [form, workflows, attached, csrf] = await Promise.all([
    getForm(store, params.formId, query.versi),
    listWorkflows(store, { limit: 100 }),
    attachedWorkflowOf(store, params.formId),
    csrfToken(event),
  ]);
  return {
    status: 200,
    html: adminFormPage(caller, form, workflows.items, attached, csrf, { notice: noticeOf(query.pesan) }),
  };
});
