import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { documents, tableName } from '#shared/aws/clients';
import { findStaff } from '#shared/directory/staff';
import { groupsFromClaim } from './claims.ts';
import type { RouteContract } from './contract.ts';
import { HttpProblem } from './problem.ts';

export const ROLES = ['admin', 'operator', 'unit-head'] as const;
export type Role = (typeof ROLES)[number];

/** The authenticated staff member behind a request. */
export interface Caller {
  sub: string;
  groups: Role[];
  officeCode: string;
  name: string;
  email: string;
  via: 'bearer' | 'session';
}

const unauthenticated = () =>
  new HttpProblem(401, 'unauthenticated', 'Silakan masuk terlebih dahulu', {
    detail: 'Permintaan ini memerlukan sesi atau token staf yang sah.',
  });

// A bearer request's staff lookup started by the router before the route's module is loaded, so that a cold start's
// first DynamoDB round trip overlaps the loading of the route's code. Keyed by the event: only its own invocation
// takes it, once.
const lookups = new WeakMap<APIGatewayProxyEventV2, { sub: string; staff: ReturnType<typeof findStaff> }>();

/** The claims the gateway's JWT authorizer verified; none on a route without the authorizer. */
const bearerClaims = (event: APIGatewayProxyEventV2): Record<string, unknown> | undefined =>
  (event as APIGatewayProxyEventV2WithJWTAuthorizer).requestContext?.authorizer?.jwt?.claims;

/**
 * Starts the staff lookup of a request the gateway's JWT authorizer let through (its claims are on the event); the
 * route's `authenticate` takes the result. A public route's event has no claims and starts nothing.
 */
export const startStaffLookup = (event: APIGatewayProxyEventV2): void => {
  const sub = bearerClaims(event)?.sub;
  if (typeof sub !== 'string' || sub.length === 0) return;
  let staff: ReturnType<typeof findStaff>;
  try {
    staff = findStaff(documents, tableName(), sub);
  } catch {
    // Only an early start: authenticate looks the caller up itself, inside the route's error handling.
    return;
  }
  // Awaited by authenticate; if the route never asks (it failed to load), the rejection is not left unhandled.
  staff.catch(() => undefined);
  lookups.set(event, { sub, staff });
};

const takeLookup = (event: APIGatewayProxyEventV2, sub: string): ReturnType<typeof findStaff> | undefined => {
  const lookup = lookups.get(event);
  lookups.delete(event);
  return lookup?.sub === sub ? lookup.staff : undefined;
};

/**
 * Identifies the caller: bearer routes read the claims the API Gateway JWT authorizer verified; session routes
 * verify the session cookie here (the gateway cannot). Then the directory decides: unknown or disabled staff are
 * refused whatever their token says, and the route's roles are checked against the token's groups.
 */
export const authenticate = async (route: RouteContract, event: APIGatewayProxyEventV2): Promise<Caller> => {
  let claims: Record<string, unknown> | undefined;
  let via: Caller['via'];
  if (route.auth === 'jwt') {
    claims = bearerClaims(event);
    via = 'bearer';
  } else {
    // aws-jwt-verify is loaded only by functions that serve staff pages, on their first request.
    claims = await (await import('./session.ts')).verifySessionCookie(event.cookies ?? []);
    via = 'session';
  }
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw unauthenticated();

  const staff = await ((via === 'bearer' && takeLookup(event, sub)) || findStaff(documents, tableName(), sub));
  if (!staff) {
    throw new HttpProblem(403, 'not-staff', 'Akun ini belum terdaftar sebagai staf', {
      detail: 'Minta administrator menambahkan Anda ke direktori.',
    });
  }
  if (staff.status === 'disabled') {
    throw new HttpProblem(403, 'staff-disabled', 'Akun ini telah dinonaktifkan', {
      detail: 'Hubungi administrator bila ini keliru.',
    });
  }
  const groups = groupsFromClaim(claims?.['cognito:groups']).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  if (route.roles && !route.roles.some((role) => groups.includes(role))) {
    throw new HttpProblem(403, 'forbidden', 'Anda tidak berhak melakukan ini', {
      detail: `Hanya untuk peran: ${route.roles.join(', ')}.`,
    });
  }
  return { sub, groups, officeCode: staff.officeCode, name: staff.name, email: staff.email, via };
};

/**
 * Office scoping: admins see every office; everyone else only their own (the office the directory places them
 * in, never one named in the request).
 * @throws HttpProblem 403 when the caller may not see the office's data
 */
export const requireOffice = (caller: Caller, officeCode: string): void => {
  if (caller.groups.includes('admin') || caller.officeCode === officeCode) return;
  throw new HttpProblem(403, 'other-office', 'Data ini milik kantor lain', {
    detail: 'Anda hanya dapat melihat dan mengubah data kantor Anda sendiri.',
  });
};
