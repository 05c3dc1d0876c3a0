import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import type { CorsSpec, JwtAuthorizerSpec, RouteSpec } from './template.ts';
import type { Clock, Invoker } from './types.ts';

// API Gateway HTTP API quotas: 10 MB payload, 30 s integration timeout.
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;

/** The parts of an HTTP request that shape the event (so the event builder is testable without sockets). */
export interface RawRequest {
  method: string;
  /** Path and query as sent on the request line, e.g. `/s/KEC-01?x=1&x=2`. */
  url: string;
  /** Header names and values in arrival order, as Node's `rawHeaders` gives them (name, value, name, value...). */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  protocol: string;
}

export interface MatchedRoute {
  route: RouteSpec;
  pathParameters: Record<string, string>;
}

/** API Gateway's `time` format: `12/Mar/2020:19:03:58 +0000`. */
const apiGatewayTime = (epochMs: number): string => {
  const d = new Date(epochMs);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;
};

// Bodies of these types reach the function as text; everything else (urlencoded forms included) as base64.
const TEXT_TYPES = [/^text\//, /^application\/(.+\+)?json/, /^application\/(.+\+)?xml/, /^application\/javascript/];
export const isTextContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && TEXT_TYPES.some((pattern) => pattern.test(contentType.trim().toLowerCase()));

// A proxy does not forward hop-by-hop headers (RFC 9110 section 7.6.1).
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);

const segmentsOf = (p: string) => p.split('/').filter((s, i) => i > 0 || s !== '');

/**
 * Picks the route API Gateway would: the most specific path (literal segments beat variables, variables beat a
 * greedy `{proxy+}`), a route of the request's method before `ANY`, `$default` last.
 */
export const matchRoute = (routes: RouteSpec[], method: string, rawPath: string): MatchedRoute | undefined => {
  const requestSegments = segmentsOf(rawPath);
  let best: { score: number[]; match: MatchedRoute } | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    if (route.path === '$default') {
      const score = [-1, 0, 0];
      if (!best || compare(score, best.score) > 0) best = { score, match: { route, pathParameters: {} } };
      continue;
    }
    const routeSegments = segmentsOf(route.path);
    const parameters: Record<string, string> = {};
    let literals = 0;
    let greedy = false;
    let matched = true;
    for (let i = 0; i < routeSegments.length; i++) {
      const segment = routeSegments[i]!;
      const greedyMatch = /^\{(.+)\+\}$/.exec(segment);
      if (greedyMatch) {
        if (i !== routeSegments.length - 1 || requestSegments.length <= i) matched = false;
        else parameters[greedyMatch[1]!] = requestSegments.slice(i).map(safeDecode).join('/');
        greedy = true;
        break;
      }
      const value = requestSegments[i];
      if (value === undefined) {
        matched = false;
        break;
      }
      const variable = /^\{(.+)\}$/.exec(segment);
      if (variable) {
        if (value === '') {
          matched = false;
          break;
        }
        parameters[variable[1]!] = safeDecode(value);
      } else if (segment === value) literals++;
      else {
        matched = false;
        break;
      }
    }
    if (!greedy && routeSegments.length !== requestSegments.length) matched = false;
    if (!matched) continue;
    const score = [literals, greedy ? 0 : 1, route.method === method ? 1 : 0];
    if (!best || compare(score, best.score) > 0) best = { score, match: { route, pathParameters: parameters } };
  }
  return best?.match;
};

const compare = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

const decodeQueryComponent = (value: string) => safeDecode(value.replace(/\+/g, ' '));

/** Claims as the JWT authorizer hands them on: every value a string; arrays in Go's `[a b]` form. */
export const flattenClaims = (claims: Record<string, unknown>): Record<string, string> => {
  const format = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(format).join(' ')}]`;
    if (value !== null && typeof value === 'object') {
      return `map[${Object.entries(value)
        .map(([k, v]) => `${k}:${format(v)}`)
        .join(' ')}]`;
    }
    return String(value);
  };
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, format(v)]));
};

/**
 * The payload format 2.0 event API Gateway sends for a request: lower-cased header names with repeated headers
 * joined by commas, the `cookie` header moved to `cookies`, repeated query parameters joined by commas, path
 * parameters, and the body as text or base64 depending on its content type.
 */
export const buildEventV2 = (
  request: RawRequest,
  match: MatchedRoute,
  context: {
    now: number;
    requestId: string;
    apiId: string;
    region: string;
    accountId: string;
    domainName: string;
    authorizer?: { claims: Record<string, string>; scopes: string[] | null };
  },
) => {
  const queryStart = request.url.indexOf('?');
  const rawPath = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : request.url.slice(queryStart + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (HOP_BY_HOP.has(name)) continue;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for']
    ? `${headers['x-forwarded-for']}, ${request.sourceIp}`
    : request.sourceIp;
  headers['x-forwarded-proto'] ??= 'https';
  headers['x-forwarded-port'] ??= '443';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(context.now / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const query: Record<string, string> = {};
  if (rawQueryString) {
    for (const pair of rawQueryString.split('&')) {
      if (!pair) continue;
      const eq = pair.indexOf('=');
      const key = decodeQueryComponent(eq === -1 ? pair : pair.slice(0, eq));
      const value = eq === -1 ? '' : decodeQueryComponent(pair.slice(eq + 1));
      query[key] = key in query ? `${query[key]},${value}` : value;
    }
  }

  const hasBody = request.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: match.route.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: context.accountId,
      apiId: context.apiId,
      ...(context.authorizer ? { authorizer: { jwt: context.authorizer } } : {}),
      domainName: context.domainName,
      domainPrefix: context.domainName.split('.')[0],
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: context.requestId,
      routeKey: match.route.routeKey,
      stage: '$default',
      time: apiGatewayTime(context.now),
      timeEpoch: context.now,
    },
    ...(Object.keys(match.pathParameters).length > 0 ? { pathParameters: match.pathParameters } : {}),
    ...(hasBody ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  return event;
};

export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

const gatewayMessage = (statusCode: number, message: string, headers: Record<string, string> = {}): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

/**
 * How API Gateway turns a function's payload format 2.0 answer into an HTTP response: a result without
 * `statusCode` is a 200 JSON body; otherwise status, headers, `cookies` (each a Set-Cookie) and a body that may be
 * base64.
 */
export const answerFromResult = (payload: unknown): HttpAnswer => {
  if (payload === null || typeof payload !== 'object' || !('statusCode' in payload)) {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, cookies: [], body: Buffer.from(body) };
  }
  const result = payload as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    cookies?: unknown[];
    body?: unknown;
    isBase64Encoded?: boolean;
  };
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return gatewayMessage(500, 'Internal Server Error');
  }
  const body = typeof result.body === 'string' ? result.body : result.body === undefined ? '' : String(result.body);
  return {
    statusCode,
    headers: Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
    cookies: (result.cookies ?? []).map(String),
    body: result.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body),
  };
};

/** Why a JWT was refused, in the words API Gateway puts in `www-authenticate`. */
export class JwtRejected extends Error {}

/**
 * The HTTP API JWT authorizer's checks: a bearer token from the identity source, an RS256 signature by a key of
 * the issuer's JWKS (`kid`), `iss` equal to the configured issuer, `aud` (or, for access tokens without `aud`,
 * `client_id`) among the audiences, `exp` in the future, `nbf` and `iat` not in the future. No group logic.
 */
export const verifyJwt = async (
  authorizer: JwtAuthorizerSpec,
  headerValue: string | undefined,
  jwks: (issuer: string) => { keys: JWK[] } | undefined,
  now: number,
): Promise<{ claims: Record<string, unknown>; scopes: string[] | null }> => {
  if (!headerValue) throw new JwtRejected('no token');
  const token = headerValue.replace(/^Bearer\s+/i, '').trim();
  const keys = jwks(authorizer.issuer);
  if (!keys) throw new JwtRejected('the issuer has no keys');
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== 'RS256') throw new JwtRejected('unsupported algorithm');
  } catch (error) {
    if (error instanceof JwtRejected) throw error;
    throw new JwtRejected('malformed token');
  }
  let payload: Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, createLocalJWKSet(keys), {
      algorithms: ['RS256'],
      issuer: authorizer.issuer,
      currentDate: new Date(now),
      clockTolerance: 0,
    });
    payload = verified.payload as Record<string, unknown>;
  } catch (error) {
    throw new JwtRejected((error as Error).message);
  }
  const nowSeconds = Math.floor(now / 1000);
  if (typeof payload.exp !== 'number') throw new JwtRejected('the token has no expiry');
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds) throw new JwtRejected('the token is not valid yet');
  const audiences = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  // API Gateway requires at least one audience on a JWT authorizer; without one nothing passes.
  const audienceOk =
    authorizer.audience.length > 0 &&
    (audiences.length > 0
      ? audiences.some((a) => authorizer.audience.includes(String(a)))
      : authorizer.audience.includes(String(payload.client_id)));
  if (!audienceOk) throw new JwtRejected('the token audience is not allowed');
  const scope = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : null;
  return { claims: payload, scopes: scope && scope.length > 0 ? scope : null };
};

const newRequestId = () => randomBytes(12).toString('base64').replace(/[+/]/g, 'A').slice(0, 16);

export interface ApiGatewayOptions {
  routes: RouteSpec[];
  cors?: CorsSpec;
  invoker: Invoker;
  clock: Clock;
  jwks: (issuer: string) => { keys: JWK[] } | undefined;
  apiId: string;
  region: string;
  accountId: string;
  /** Called once per request, for the runtime's access log (route key, status, latency). */
  onAccess?: (entry: { routeKey: string; status: number; latencyMs: number; requestId: string }) => void;
}

const readBody = (req: IncomingMessage): Promise<Buffer | 'too-large'> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Answers HTTP requests as the template's HTTP API would. */
export const createApiGateway = (options: ApiGatewayOptions) => {
  const corsHeaders = (origin: string | undefined): Record<string, string> => {
    const cors = options.cors;
    if (!cors || !origin) return {};
    const allowed = cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin);
    if (!allowed) return {};
    return {
      'access-control-allow-origin': cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin,
      ...(cors.exposeHeaders.length > 0 ? { 'access-control-expose-headers': cors.exposeHeaders.join(',') } : {}),
      ...(cors.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
    };
  };

  const send = (res: ServerResponse, answer: HttpAnswer, requestId: string, head: boolean) => {
    const headers: Record<string, string | string[]> = {
      ...answer.headers,
      'apigw-requestid': requestId,
      'content-length': String(answer.body.length),
    };
    if (answer.cookies.length > 0) headers['set-cookie'] = answer.cookies;
    res.writeHead(answer.statusCode, headers);
    res.end(head ? undefined : answer.body);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = newRequestId();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0]!;
    const origin = req.headers.origin;
    let routeKey = '-';
    let answer: HttpAnswer;
    try {
      const cors = options.cors;
      if (method === 'OPTIONS' && cors && origin && req.headers['access-control-request-method']) {
        answer = {
          statusCode: 204,
          headers: {
            ...corsHeaders(origin),
            'access-control-allow-methods': cors.allowMethods.includes('*') ? '*' : cors.allowMethods.join(','),
            'access-control-allow-headers': cors.allowHeaders.join(','),
            ...(cors.maxAge !== undefined ? { 'access-control-max-age': String(cors.maxAge) } : {}),
          },
          cookies: [],
          body: Buffer.alloc(0),
        };
      } else {
        answer = await handle(req, method, url, rawPath, requestId, (key) => {
          routeKey = key;
        });
        Object.assign(answer.headers, corsHeaders(origin));
      }
    } catch {
      answer = gatewayMessage(500, 'Internal Server Error');
    }
    send(res, answer, requestId, method === 'HEAD');
    options.onAccess?.({ routeKey, status: answer.statusCode, latencyMs: Date.now() - started, requestId });
  };

  async function handle(
    req: IncomingMessage,
    method: string,
    url: string,
    rawPath: string,
    requestId: string,
    setRouteKey: (key: string) => void,
  ): Promise<HttpAnswer> {
    const match = matchRoute(options.routes, method, rawPath);
    const body = await readBody(req);
    if (!match) return gatewayMessage(404, 'Not Found');
    setRouteKey(match.route.routeKey);
    if (body === 'too-large') return gatewayMessage(413, 'Request Entity Too Large');
    const now = options.clock.now();

    let authorizer: { claims: Record<string, string>; scopes: string[] | null } | undefined;
    if (match.route.authorizer) {
      const source = match.route.authorizer.identitySource[0] ?? '$request.header.Authorization';
      const headerName = source.replace(/^\$request\.header\./i, '').toLowerCase();
      const value = req.headers[headerName];
      try {
        const verified = await verifyJwt(
          match.route.authorizer,
          Array.isArray(value) ? value[0] : value,
          options.jwks,
          now,
        );
        authorizer = { claims: flattenClaims(verified.claims), scopes: verified.scopes };
      } catch (error) {
        const reason = error instanceof JwtRejected ? error.message : 'invalid token';
        return gatewayMessage(401, 'Unauthorized', {
          'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${reason.replace(/"/g, "'")}"`,
        });
      }
    }

    const event = buildEventV2(
      {
        method,
        url,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${req.httpVersion}`,
      },
      match,
      {
        now,
        requestId,
        apiId: options.apiId,
        region: options.region,
        accountId: options.accountId,
        domainName: req.headers.host ?? 'localhost',
        authorizer,
      },
    );

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), INTEGRATION_TIMEOUT_MS);
    });
    const result = await Promise.race([options.invoker.invoke(match.route.functionName, event), timeout]);
    clearTimeout(timer);
    if (result === 'timeout') return gatewayMessage(503, 'Service Unavailable');
    if (!result.ok) return gatewayMessage(500, 'Internal Server Error');
    return answerFromResult(result.payload);
  }
};
