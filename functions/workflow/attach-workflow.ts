import { httpRoute } from '#shared/http/route';
import { attachWorkflowRoute } from '#shared/workflow/contracts';
import { attachWorkflow } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(attachWorkflowRoute, async ({ params, body }) => ({
  status: 200,
  body: await attachWorkflow(engineDeps(), params.formId, body, new Date()),
}));
