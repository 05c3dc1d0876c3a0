import type * as z from '#shared/zod';

/** Any zod schema (the project builds them with zod/mini, `#shared/zod`). */
type Schema = z.core.$ZodType;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, as API Gateway sees it:
 * - `public`: no authorizer (citizens, email links, health);
 * - `jwt`: the HTTP API JWT authorizer checks a bearer token (API clients);
 * - `session`: no authorizer at the gateway (its identity source cannot be a cookie); the handler's middleware
 *   verifies the staff session cookie.
 */
export type RouteAuth = 'public' | 'jwt' | 'session';

export interface ResponseContract {
  description: string;
  contentType?: string;
  body?: Schema;
}

/**
 * One HTTP route: the single description used by the CDK app (to create the route), the OpenAPI document and the
 * handler (to parse its input). Paths use API Gateway syntax: `/s/{unitCode}`.
 */
export interface RouteContract {
  method: HttpMethod;
  path: string;
  auth: RouteAuth;
  /** Staff groups allowed (any of them). @default any authenticated, active staff member */
  roles?: readonly ('admin' | 'operator' | 'unit-head')[];
  summary: string;
  tags: string[];
  /**
   * POSTs that honour an `Idempotency-Key` header: a retry with the same key gets the first answer and does the
   * work once (key scoped to the caller). @default false
   */
  idempotent?: boolean;
  /** Per-client limits of a public route (requests per minute, per WIB day). @default none */
  rateLimit?: { perMinute: number; perDay?: number };
  request?: { params?: Schema; query?: Schema; body?: Schema; bodyContentType?: string };
  responses: Record<number, ResponseContract>;
}

/** Declares a route; the identity function keeps literal types for handlers. */
export const defineRoute = <T extends RouteContract>(route: T): T => route;

/** `GET /health`: the API Gateway route key. */
export const routeKey = (route: Pick<RouteContract, 'method' | 'path'>): string => `${route.method} ${route.path}`;
