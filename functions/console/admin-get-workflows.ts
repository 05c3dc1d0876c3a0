import { adminWorkflowsPage } from '#shared/console/admin-pages';
import { consoleAdminWorkflowsRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { httpRoute } from '#shared/http/route';
import { listWorkflows } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminWorkflowsRoute, async ({ caller, event }) => {
  const { items } = await listWorkflows(engineDeps(), { limit: 100 });
  return { status: 200, html: adminWorkflowsPage(caller, items, await csrfToken(event)) };
});
