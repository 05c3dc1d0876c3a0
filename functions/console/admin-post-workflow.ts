import { definitionOf, expectedVersion, postedDefinition } from '#shared/console/admin-forms';
import { adminWorkflowPage } from '#shared/console/admin-pages';
import { consoleAdminWorkflowVersionRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { httpRoute } from '#shared/http/route';
import { addWorkflowVersion, getWorkflow } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminWorkflowVersionRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  const store = engineDeps();
  const definition = definitionOf(body);
  if (!definition.ok) {
    const [workflow, csrf] = await Promise.all([getWorkflow(store, params.workflowId), csrfToken(event)]);
    return {
      status: 422,
      html: adminWorkflowPage(caller, workflow, csrf, { posted: postedDefinition(body), errors: definition.errors }),
    };
  }
  const workflow = await addWorkflowVersion(
    store,
    params.workflowId,
    { definition: definition.value, expectedVersion: expectedVersion(body) },
    caller.sub,
    new Date(),
  );
  return { status: 303, location: `/konsol/admin/alur/${workflow.id}?pesan=versi` };
});
