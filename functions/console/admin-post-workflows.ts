import { ulid } from 'ulid';
import { definitionOf, postedDefinition } from '#shared/console/admin-forms';
import { adminWorkflowsPage } from '#shared/console/admin-pages';
import { consoleAdminCreateWorkflowRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { httpRoute } from '#shared/http/route';
import { createWorkflow, listWorkflows } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminCreateWorkflowRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const store = engineDeps();
  const definition = definitionOf(body);
  if (!definition.ok) {
    const { items } = await listWorkflows(store, { limit: 100 });
    return {
      status: 422,
      html: adminWorkflowsPage(caller, items, await csrfToken(event), postedDefinition(body), definition.errors),
    };
  }
  const workflow = await createWorkflow(store, definition.value, caller.sub, ulid(), new Date());
  return { status: 303, location: `/konsol/admin/alur/${workflow.id}?pesan=dibuat` };
});
