import { nipHmacKey } from '#shared/aws/secrets';
import { clientPseudonym } from '#shared/http/rate-limit';
import { httpRoute } from '#shared/http/route';
import { logger } from '#shared/observability';
import { decideRoute } from '#shared/workflow/contracts';
import { decide, LINK_STATUS } from '#shared/workflow/decide';
import { engineDeps } from '#shared/workflow/deps';
import { decidedPage, decisionPage, linkNoticePage } from '#shared/workflow/pages';

/** POST of the decision form: decides once; every other outcome is a page with a fitting status. */
export const handler = httpRoute(decideRoute, async ({ params, body, event }) => {
  const result = await decide(engineDeps(), params.token, body, {
    ipHash: clientPseudonym(await nipHmacKey(), event.requestContext.http.sourceIp),
    userAgent: event.headers['user-agent'],
  });
  logger.info('approval link posted', { outcome: result.kind });
  switch (result.kind) {
    case 'recorded':
    case 'delegated':
      return { status: 200, html: decidedPage(result) };
    case 'invalid':
      return { status: 422, html: decisionPage(result.view, body, result.errors) };
    default:
      return { status: LINK_STATUS[result.kind], html: linkNoticePage(result) };
  }
});
