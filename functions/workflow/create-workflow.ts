import { ulid } from 'ulid';
import { httpRoute } from '#shared/http/route';
import { createWorkflowRoute } from '#shared/workflow/contracts';
import { createWorkflow } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(createWorkflowRoute, async ({ body, caller, idempotency }) => ({
  status: 201,
  body: await createWorkflow(engineDeps(), body, caller.sub, idempotency?.id ?? ulid(), new Date()),
}));
