import { adminWorkflowPage } from '#shared/console/admin-pages';
import { consoleAdminWorkflowRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { httpRoute } from '#shared/http/route';
import { getWorkflow } from '#shared/workflow/definitions';
import { engineDeps } from '#shared/workflow/deps';

export const handler = httpRoute(consoleAdminWorkflowRoute, async ({ params, query, caller, event }) => {
  const [workflow, csrf] = await Promise.all([
    getWorkflow(engineDeps(), params.workflowId, query.versi),
    csrfToken(event),
  ]);
  return { status: 200, html: adminWorkflowPage(caller, workflow, csrf, { notice: noticeOf(query.pesan) }) };
});
