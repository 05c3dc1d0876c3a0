import { httpRoute } from '#shared/http/route';
import { newWorkflowVersionRoute } from '#shared/workflow/contracts';
import { addWorkflowVersion } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(newWorkflowVersionRoute, async ({ params, body, caller }) => ({
  status: 201,
  body: await addWorkflowVersion(engineDeps(), params.workflowId, body, caller.sub, new Date()),
}));
