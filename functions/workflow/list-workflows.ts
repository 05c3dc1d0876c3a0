import { httpRoute } from '#shared/http/route';
import { listWorkflowsRoute } from '#shared/workflow/contracts';
import { listWorkflows } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(listWorkflowsRoute, async ({ query }) => ({
  status: 200,
  body: await listWorkflows(engineDeps(), query),
}));
