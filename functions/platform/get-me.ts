import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { groupsFromClaim } from '#shared/http/claims';
import { jsonRoute } from '#shared/http/handler';
import { HttpProblem } from '#shared/http/problem';
import { whoAmIRoute } from '#shared/platform/contracts';

export const handler = jsonRoute(whoAmIRoute, async (event) => {
  const claims = (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new HttpProblem(401, 'unauthenticated', 'A bearer token is required');
  return {
    statusCode: 200,
    body: {
      sub: String(claims.sub),
      username: claims.username === undefined ? undefined : String(claims.username),
      groups: groupsFromClaim(claims['cognito:groups']),
      tokenUse: claims.token_use === undefined ? undefined : String(claims.token_use),
    },
  };
});
