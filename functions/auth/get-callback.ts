import { callbackRoute } from '#shared/auth/contracts';
import { completeLogin, loginConfig } from '#shared/auth/login';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(callbackRoute, async ({ query, event }) => {
  const { location, cookies } = await completeLogin(loginConfig(), query, event.cookies ?? []);
  return { status: 302, location, cookies };
});
