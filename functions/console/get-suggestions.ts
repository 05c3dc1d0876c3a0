import { documents, tableName } from '#shared/aws/clients';
import { consoleSuggestionsRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { suggestionsPage } from '#shared/console/report-pages';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { FollowUpStatus } from '#shared/surveys/schemas';
import { listSuggestions } from '#shared/surveys/suggestions';

export const handler = httpRoute(consoleSuggestionsRoute, async ({ params, query, caller, event }) => {
  requireOffice(caller, params.unitCode);
  const status = FollowUpStatus.safeParse(query.status).data;
  const [page, csrf] = await Promise.all([
    listSuggestions(documents, tableName(), params.unitCode, { status, limit: 50, cursor: query.cursor }),
    csrfToken(event),
  ]);
  return {
    status: 200,
    html: suggestionsPage(caller, params.unitCode, page.items, csrf, {
      status,
      next: page.next,
      notice: noticeOf(query.pesan),
    }),
  };
});
