import { mailPage } from '#shared/console/admin-pages';
import { consoleAdminMailRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { httpRoute } from '#shared/http/route';
import { listMailPage } from '#shared/mail/admin-requests';

export const handler = httpRoute(consoleAdminMailRoute, async ({ query, caller, event }) => {
  const [failed, bounced, csrf] = await Promise.all([
    listMailPage({ status: 'failed', limit: 100 }),
    listMailPage({ status: 'bounced', limit: 100 }),
    csrfToken(event),
  ]);
  return { status: 200, html: mailPage(caller, [...failed.mail, ...bounced.mail], csrf, noticeOf(query.pesan)) };
});
