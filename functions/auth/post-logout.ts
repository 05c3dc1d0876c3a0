import { logoutRoute } from '#shared/auth/contracts';
import { loginConfig, logout } from '#shared/auth/login';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(logoutRoute, async () => {
  const { location, cookies } = logout(loginConfig());
  return { status: 302, location, cookies };
});
