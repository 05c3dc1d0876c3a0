import { documents, tableName } from '#shared/aws/clients';
import { text } from '#shared/console/admin-forms';
import { consoleFollowUpRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { issuesByField } from '#shared/console/layout';
import { suggestionsPage } from '#shared/console/report-pages';
import { requireOffice } from '#shared/http/auth';
import { notFound } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { FollowUpInput } from '#shared/surveys/schemas';
import { followUpSuggestion, listSuggestions } from '#shared/surveys/suggestions';

const RESPONSE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpRoute(consoleFollowUpRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  requireOffice(caller, params.unitCode);
  const responseId = text(body, 'responseId');
  if (!RESPONSE_ID.test(responseId)) throw notFound('Saran tidak ditemukan');
  const close = text(body, 'aksi') === 'tutup';
  const reply = text(body, 'balasan');
  const input = FollowUpInput.safeParse({ status: close ? 'closed' : 'answered', reply: reply || undefined });
  if (!input.success) {
    const [page, csrf] = await Promise.all([
      listSuggestions(documents, tableName(), params.unitCode, { limit: 50 }),
      csrfToken(event),
    ]);
    const failed = { responseId, reply, errors: issuesByField(input.error.issues) };
    return { status: 422, html: suggestionsPage(caller, params.unitCode, page.items, csrf, { failed }) };
  }
  await followUpSuggestion(documents, tableName(), params.unitCode, responseId, input.data, caller, new Date());
  return {
    status: 303,
    location: `/konsol/laporan/${params.unitCode}/saran?pesan=${close ? 'ditutup' : 'dibalas'}#saran-${responseId}`,
  };
});
