import { httpRoute } from '#shared/http/route';
import { whoAmIRoute } from '#shared/platform/contracts';

export const handler = httpRoute(whoAmIRoute, async ({ caller }) => ({
  status: 200,
  body: {
    sub: caller.sub,
    name: caller.name,
    email: caller.email,
    officeCode: caller.officeCode,
    groups: caller.groups,
  },
}));
