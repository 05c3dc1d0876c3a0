import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { invocationDeadline } from '#shared/aws/deadline';
import { logger, metrics } from '#shared/observability';
import type { SafeHtml } from '#shared/pages/html';
import * as z from '#shared/zod';
import { authenticate, type Caller } from './auth.ts';
import { parseBody } from './body.ts';
import type { RouteContract } from './contract.ts';
import { errorResponse, securityHeaders } from './errors.ts';
import { type FieldError, HttpProblem } from './problem.ts';

type Infer<S> = S extends z.core.$ZodType ? z.output<S> : undefined;

/** What a route implementation receives: validated input and, on staff routes, the caller. */
export interface RouteInput<R extends RouteContract> {
  params: Infer<NonNullable<R['request']>['params']>;
  query: Infer<NonNullable<R['request']>['query']>;
  body: Infer<NonNullable<R['request']>['body']>;
  caller: R['auth'] extends 'public' ? undefined : Caller;
  /** On rate-limited routes with a daily limit: this client's requests to the route today (WIB), this one included. */
  client?: { requestsToday?: number };
  /** On idempotent routes called with an Idempotency-Key: the key and the id derived from it for what is created. */
  idempotency?: { key: string; id: string };
  event: APIGatewayProxyEventV2;
  context: Context;
}

/** A route's answer: JSON (`body`), an HTML page (`html`) or a redirect (`location`). */
export type RouteResult =
  | { status: number; body?: unknown; headers?: Record<string, string>; cookies?: string[] }
  | { status: number; html: string | SafeHtml; headers?: Record<string, string>; cookies?: string[] }
  | { status: 302 | 303; location: string; cookies?: string[] };

/** True when a route answers HTML pages (its errors are then pages too). */
export const isHtmlRoute = (route: RouteContract): boolean =>
  Object.values(route.responses).some((r) => r.contentType?.startsWith('text/html'));

const fieldErrors = (where: 'path' | 'query' | 'body', error: z.core.$ZodError): FieldError[] =>
  error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    in: where,
    message: issue.message,
  }));

/** Parses one part of the request with its schema; collects field errors instead of throwing at the first. */
const parsePart = (
  where: 'path' | 'query' | 'body',
  schema: z.core.$ZodType | undefined,
  value: unknown,
  errors: FieldError[],
): unknown => {
  if (!schema) return undefined;
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  errors.push(...fieldErrors(where, result.error));
  return undefined;
};

const toResponse = (result: RouteResult): APIGatewayProxyStructuredResultV2 => {
  if ('location' in result) {
    return {
      statusCode: result.status,
      headers: { ...securityHeaders, location: result.location },
      cookies: result.cookies,
    };
  }
  if ('html' in result) {
    return {
      statusCode: result.status,
      headers: { ...securityHeaders, 'content-type': 'text/html; charset=utf-8', ...result.headers },
      cookies: result.cookies,
      body: String(result.html),
    };
  }
  return {
    statusCode: result.status,
    headers: {
      ...securityHeaders,
      ...(result.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...result.headers,
    },
    cookies: result.cookies,
    body: result.body === undefined ? '' : JSON.stringify(result.body),
  };
};

/**
 * The one HTTP middleware stack, in order: Powertools logger context (never the event: it may carry tokens and
 * personal data) -> the invocation's deadline for retries -> body parsing (JSON and urlencoded, base64-decoded) ->
 * authentication and role check -> zod parsing of path, query and body (all field errors at once) -> the
 * implementation -> security headers, with errors mapped in one place: problem+json on JSON routes, an error page
 * with the same status on HTML routes.
 */
export const httpRoute = <R extends RouteContract>(route: R, impl: (input: RouteInput<R>) => Promise<RouteResult>) => {
  const html = isHtmlRoute(route);
  // Idempotency records are scoped to the caller and store JSON answers: a public or HTML route cannot use them.
  if (route.idempotent && (route.auth === 'public' || html)) {
    throw new Error(`${route.method} ${route.path}: idempotent routes must be staff JSON routes`);
  }
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // Retries (SDK clients, transactions, batch reads) stop in time for the answer: shared/aws/deadline.ts.
    .use(invocationDeadline())
    .use({
      onError: (request) => {
        const error = request.error;
        if (!(error instanceof HttpProblem) && !(error as { kind?: unknown })?.kind) {
          logger.error('unhandled error', { routeKey: request.event?.routeKey, error });
          metrics.addMetric('UnhandledError', MetricUnit.Count, 1);
          metrics.publishStoredMetrics();
        }
        // A staff page without a valid session sends the browser to sign in, and back here afterwards.
        if (html && route.auth === 'session' && error instanceof HttpProblem && error.problem.status === 401) {
          const next = request.event.rawPath + (request.event.rawQueryString ? `?${request.event.rawQueryString}` : '');
          request.response = {
            statusCode: 303,
            headers: { ...securityHeaders, location: `/auth/login?next=${encodeURIComponent(next)}` },
          };
          return;
        }
        request.response = errorResponse(error, html);
      },
    })
    .handler(async (event, context) => {
      logger.debug('request', { routeKey: event.routeKey });
      // Loaded on first use: most functions never rate-limit or replay, and cold starts pay for every module.
      const client = route.rateLimit
        ? {
            requestsToday: (
              await (await import('./rate-limit.ts')).enforceRateLimit(event, route.rateLimit, Date.now())
            ).today,
          }
        : undefined;
      const caller = route.auth === 'public' ? undefined : await authenticate(route, event);
      const errors: FieldError[] = [];
      const params = parsePart('path', route.request?.params, event.pathParameters ?? {}, errors);
      const query = parsePart('query', route.request?.query, event.queryStringParameters ?? {}, errors);
      const body = route.request?.body
        ? parsePart('body', route.request.body, parseBody(event, route.request.bodyContentType), errors)
        : undefined;
      if (errors.length > 0) {
        throw new HttpProblem(422, 'validation', 'Data yang dikirim tidak valid', {
          detail: 'Periksa kolom yang disebutkan lalu kirim kembali.',
          errors,
        });
      }
      if (!route.idempotent)
        return toResponse(await impl({ params, query, body, caller, client, event, context } as RouteInput<R>));
      const { idempotencyKeyOf, idFromIdempotencyKey, once } = await import('./idempotency.ts');
      const key = idempotencyKeyOf(event.headers);
      if (!key) return toResponse(await impl({ params, query, body, caller, event, context } as RouteInput<R>));
      const scope = caller!.sub;
      const idempotency = { key, id: idFromIdempotencyKey(scope, key) };
      const result = await once(scope, key, { params, query, body }, context, () =>
        impl({ params, query, body, caller, idempotency, event, context } as RouteInput<R>),
      );
      return toResponse(result);
    });
  // The contract travels with the handler: a capability's entry point routes on it (`shared/http/router.ts`).
  return Object.assign(handler, { route });
};
