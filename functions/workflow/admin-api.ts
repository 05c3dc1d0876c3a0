import { routeTable } from '#shared/http/router';

/** Workflow definitions, for admins. */
export const handler = routeTable({
  'POST /workflows': () => import('./create-workflow.ts'),
  'GET /workflows': () => import('./list-workflows.ts'),
  'GET /workflows/{workflowId}': () => import('./get-workflow.ts'),
  'POST /workflows/{workflowId}/versions': () => import('./new-workflow-version.ts'),
  'PUT /forms/{formId}/workflow': () => import('./attach-workflow.ts'),
});
