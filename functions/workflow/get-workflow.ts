import { httpRoute } from '#shared/http/route';
import { getWorkflowRoute } from '#shared/workflow/contracts';
import { getWorkflow } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(getWorkflowRoute, async ({ params, query }) => ({
  status: 200,
  body: await getWorkflow(engineDeps(), params.workflowId, query.version),
}));
