import { text } from '#shared/console/admin-forms';
import { consoleAdminResendRoute } from '#shared/console/contracts';
import { requireCsrf } from '#shared/console/csrf';
import { httpRoute } from '#shared/http/route';
import { resendMailRequest } from '#shared/mail/admin-requests';

export const handler = httpRoute(consoleAdminResendRoute, async ({ body, event }) => {
  await requireCsrf(event, body);
  await resendMailRequest(text(body, 'id'));
  return { status: 303, location: '/konsol/admin/surat?pesan=dikirim' };
});
