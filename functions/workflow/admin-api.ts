import { routeTable } from '#shared/http/router';
import { handler as attachWorkflow } from './attach-workflow.ts';
import { handler as createWorkflow } from './create-workflow.ts';
import { handler as getWorkflow } from './get-workflow.ts';
import { handler as listWorkflows } from './list-workflows.ts';
import { handler as newWorkflowVersion } from './new-workflow-version.ts';

/** Workflow definitions, for admins. */
export const handler = routeTable(createWorkflow, listWorkflows, getWorkflow, newWorkflowVersion, attachWorkflow);
