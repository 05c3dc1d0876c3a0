import { httpRoute } from '#shared/http/route';
import { logger } from '#shared/observability';
import { approvalPageRoute } from '#shared/workflow/contracts';
import { inspectLink, LINK_STATUS } from '#shared/workflow/decide';
import { engineDeps } from '#shared/workflow/deps';
import { decisionPage, linkNoticePage } from '#shared/workflow/pages';

/** GET of an email link: a confirmation page. Reads only (mail scanners fetch links before people do). */
export const handler = httpRoute(approvalPageRoute, async ({ params }) => {
  const view = await inspectLink(engineDeps(), params.token);
  // Telemetry, not audit: a fetch is not a decision, and may not even be a person.
  logger.info('approval link fetched', { outcome: view.kind });
  if (view.kind !== 'open') return { status: LINK_STATUS[view.kind], html: linkNoticePage(view, 'state') };
  return { status: 200, html: decisionPage(view), headers: { 'cache-control': 'no-store' } };
});
