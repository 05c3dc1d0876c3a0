import { loginRoute } from '#shared/auth/contracts';
import { beginLogin, loginConfig } from '#shared/auth/login';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(loginRoute, async ({ query }) => {
  const { location, cookie } = beginLogin(loginConfig(), query.next);
  return { status: 302, location, cookies: [cookie] };
});
