import { httpRoute } from '#shared/http/route';
import { listMailPage } from '#shared/mail/admin-requests';
import { listMailRoute } from '#shared/mail/contracts';

export const handler = httpRoute(listMailRoute, async ({ query }) => ({
  status: 200,
  body: await listMailPage(query),
}));
