import { httpRoute } from '#shared/http/route';
import { resendMailRequest } from '#shared/mail/admin-requests';
import { resendMailRoute } from '#shared/mail/contracts';

export const handler = httpRoute(resendMailRoute, async ({ params }) => ({
  status: 200,
  body: await resendMailRequest(params.id),
}));
