import fc from 'fast-check';
import { matchRoute } from '#infra/local/http-api';
import type { RouteSpec } from '#infra/local/template';
import { endpoints } from '#shared/http/catalogue';
import { isHtmlRoute } from '#shared/http/route';
import { accessMatrix } from './access-matrix.ts';
import {
  type Answer,
  dumpChange,
  type Fixtures,
  fillPath,
  type Probe,
  ROLES,
  type Role,
  type SecurityCloud,
} from './support.ts';

/**
 * Hostile requests for any route of the template, built around the route's probe from the access matrix (a request
 * the route accepts): random JSON, near misses of the probe's body, wrong content types, huge and deeply nested
 * bodies, unicode edge cases, `__proto__`/`constructor` keys, hostile path parameters and query strings. And the
 * oracle every answer is held to.
 */

/** Personal data sent among the hostile strings: no log line may hold them afterwards. */
export const SENT_NIP = '198503152010011002';
export const SENT_PHONE = '081234567890';

/**
 * Strings that break naive code: direction marks, zero-width and joiners, NUL, emoji, surrogates, markup, paths,
 * template and formula syntax, header injection; and personal data that must never reach a log.
 */
export const edgeStrings = [
  SENT_NIP,
  `NIP ${SENT_NIP.slice(0, 8)} ${SENT_NIP.slice(8, 14)} ${SENT_NIP.slice(14, 15)} ${SENT_NIP.slice(15)}`,
  SENT_PHONE,
  `+62 ${SENT_PHONE.slice(1, 4)}-${SENT_PHONE.slice(4, 8)}-${SENT_PHONE.slice(8)}`,
  '\u202Egnp.exe',
  '\u200F\u200Eاسم',
  'a\u200Bb\u200Cc\u200Dd\u2060',
  '\uFEFFBOM',
  'nul\u0000byte',
  '\u0000',
  '👩‍👩‍👧‍👦🇮🇩',
  'e\u0301\u0301\u0301',
  '\uD800',
  '\uDFFF\uD800',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1' --",
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}{{7*7}}',
  '=HYPERLINK("http://evil.example","klik")',
  'line\r\nBcc: victim@example.com',
  '\t\n\r\v\f',
  ' ',
  '',
  'Ω'.repeat(300),
];

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...edgeStrings) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 1.5, -0),
  fc.constant(null),
  fc.boolean(),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A path segment as a client would send it: UTF-8 percent-encoded (lone surrogates as U+FFFD); raw escapes kept. */
const encodeSegment = (value: string): string => {
  if (/^(%[0-9A-Fa-f]{2}|[.\w-])+$/.test(value)) return value;
  const encoded = [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[\w.~-]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return encoded || '%20';
};

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__'];

/** A raw hostile request: what is sent, and what kind of hostility it is (for the figures). */
export interface HostileRequest {
  kind: string;
  path: string;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

const deep = (depth: number, leaf: string, array: boolean): string =>
  array ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/** The keys of a probe's body to aim at, or a stand-in when it has none. */
const keysOf = (body: Record<string, unknown> | undefined, fallback: string): string[] => {
  const keys = body ? Object.keys(body) : [];
  return keys.length > 0 ? keys : [fallback];
};

const asObject = (body: unknown): Record<string, unknown> | undefined =>
  body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;

/** A JSON text of `base` with `key` first, its value the raw JSON `value`, written by hand: `__proto__` stays a key. */
const withRawValue = (base: Record<string, unknown>, key: string, value: string): string => {
  const rest = JSON.stringify({ ...base, [key]: undefined }).slice(1);
  return `{${JSON.stringify(key)}:${value}${rest === '}' ? '}' : `,${rest}`}`;
};

/** Hostile requests around a probe of the route (the route's path template, the probe's path and body). */
export const hostileRequests = (
  route: RouteSpec,
  probe: Omit<Probe, 'method'>,
  options: { hugeBytes: number; maxDepth: number },
): fc.Arbitrary<HostileRequest> => {
  const { path } = probe;
  const baseObject = asObject(probe.body);
  const baseText =
    probe.body === undefined ? undefined : typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body);
  const contentType = probe.contentType ?? (probe.body === undefined ? undefined : 'application/json');
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const [pathOnly, query = ''] = path.split('?');

  const arbitraries: fc.Arbitrary<HostileRequest>[] = [
    fc.jsonValue({ maxDepth: 4 }).map((value) => ({
      kind: 'random JSON',
      path,
      body: JSON.stringify(value),
      contentType: 'application/json',
    })),
    fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({
      kind: 'random text',
      path,
      body: text,
      contentType: contentType ?? 'application/json',
    })),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/x-www-form-urlencoded',
          'text/csv',
          'application/octet-stream',
          'APPLICATION/JSON',
          ';;;',
        ),
        fc.constantFrom(baseText ?? '{}', '{"a":1}', 'a=1&b=2', '<x/>'),
      )
      .map(([type, body]) => ({ kind: 'wrong content type', path, body, contentType: type })),
    fc
      .tuple(
        fc.integer({ min: 50, max: options.maxDepth }),
        fc.boolean(),
        fc.constantFrom(...keysOf(baseObject, 'values')),
      )
      .map(([depth, array, key]) => ({
        kind: 'deeply nested',
        path,
        body: withRawValue(baseObject ?? {}, key, deep(depth, '1', array)),
        contentType: 'application/json',
      })),
    fc
      .tuple(fc.integer({ min: 10_000, max: options.hugeBytes }), fc.constantFrom(...keysOf(baseObject, 'x')))
      .map(([size, key]) => ({
        kind: 'huge',
        path,
        body: JSON.stringify({ ...(baseObject ?? {}), [key]: 'A'.repeat(size) }),
        contentType: 'application/json',
      })),
    fc
      .tuple(fc.constantFrom(...PROTO_KEYS), fc.constantFrom<unknown>({ admin: true, isAdmin: true }, 'x', null, [1]))
      .map(([key, value]) => ({
        kind: 'prototype keys',
        path,
        body: withRawValue(baseObject ?? {}, key, JSON.stringify(value)),
        contentType: 'application/json',
      })),
    fc
      .tuple(
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), hostileString), hostileString), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.boolean(),
      )
      .map(([pairs, repeat]) => {
        const search = new URLSearchParams(query);
        if (repeat) search.set('cursor', Buffer.from(JSON.stringify(Object.fromEntries(pairs))).toString('base64url'));
        for (const [key, value] of pairs) {
          search.append(key, value);
          if (repeat) search.append(key, value);
        }
        return { kind: 'hostile query', path: `${pathOnly}?${search}`, body: baseText, contentType };
      }),
    fc
      .record({
        'idempotency-key': fc.oneof(
          fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
          fc.constantFrom('x'.repeat(5000), '', ' ', '../'),
        ),
        cookie: fc.oneof(
          fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
          fc.constantFrom('__Host-abdi-session=garbage', 'abdi_session=eyJhbGciOiJub25lIn0.e30.', '=;=;;'),
        ),
        'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '127.0.0.1, 10.0.0.1'),
        accept: fc.constantFrom('text/html', '*/*', 'application/xml', 'image/*'),
      })
      .map((headers) => ({ kind: 'hostile headers', path, body: baseText, contentType, headers })),
  ];
  if (baseObject && Object.keys(baseObject).length > 0) {
    const keys = Object.keys(baseObject);
    arbitraries.push(
      fc.tuple(fc.constantFrom(...keys), hostileValue).map(([key, value]) => ({
        kind: 'near miss: one field changed',
        path,
        body: JSON.stringify({ ...baseObject, [key]: value }),
        contentType: 'application/json',
      })),
      fc.constantFrom(...keys).map((key) => ({
        kind: 'near miss: one field left out',
        path,
        body: JSON.stringify({ ...baseObject, [key]: undefined }),
        contentType: 'application/json',
      })),
      fc.tuple(hostileString, hostileValue).map(([key, value]) => ({
        kind: 'near miss: unknown field',
        path,
        body: JSON.stringify({ ...baseObject, [key || 'x']: value }),
        contentType: 'application/json',
      })),
    );
  }
  if (typeof probe.body === 'string' && contentType === 'application/x-www-form-urlencoded') {
    const fields = [...new URLSearchParams(probe.body).keys()];
    arbitraries.push(
      fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...fields),
            fc.constantFrom(...PROTO_KEYS, 'answers.__proto__', 'respondent.constructor'),
          ),
          fc.array(hostileString, { minLength: 1, maxLength: 3 }),
        )
        .map(([field, values]) => {
          const form = new URLSearchParams(probe.body as string);
          form.delete(field);
          for (const value of values) form.append(field, value);
          return { kind: 'near miss: form field changed', path, body: form.toString(), contentType };
        }),
    );
  }
  if (typeof probe.body === 'string' && contentType === 'text/csv') {
    const csv = probe.body;
    arbitraries.push(
      fc
        .tuple(fc.nat(csv.length), hostileString, fc.constantFrom('', '"', '""', ',', ';', '\n', '\r\n', '\uFEFF'))
        .map(([at, text, glue]) => ({
          kind: 'near miss: CSV cell changed',
          path,
          body: `${csv.slice(0, at)}${glue}${text}${glue}${csv.slice(at)}`,
          contentType,
        })),
      fc.oneof(fc.integer({ min: 2, max: 20 }), fc.integer({ min: 2_001, max: 2_100 })).map((rows) => {
        const [header, row] = csv.trimEnd().split('\n');
        return {
          kind: 'near miss: CSV with many rows',
          path,
          body: `${header}\n${Array.from({ length: rows }, (_, i) => row!.replace(/SEC-IMPORT|impor\.uji/, (m) => `${m}${i}`)).join('\n')}\n`,
          contentType,
        };
      }),
    );
  }
  if (params.length > 0) {
    arbitraries.push(
      fc
        .tuple(
          fc.constantFrom(...params),
          fc.oneof(hostileString, fc.constantFrom('%FF', '%C0%AF', '%00', '..', '.', '%2e%2e%2f', '%2F')),
        )
        .map(([param, value]) => ({
          kind: 'hostile path parameter',
          path:
            route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
              name === param
                ? encodeSegment(value)
                : (pathOnly!.split('/')[route.path.split('/').indexOf(`{${name}}`)] ?? 'x'),
            ) + (query ? `?${query}` : ''),
          body: baseText,
          contentType,
        })),
    );
  }
  return fc.oneof(...arbitraries);
};

/**
 * The role whose requests reach the route's parsing and handler: the admin, unless the route does not know them
 * (401 or a sign-in redirect); else the first role the matrix lets through.
 */
export const actingRole = (routeKey: string): Role => {
  const entry = accessMatrix[routeKey];
  if (!entry) throw new Error(`no access matrix entry for ${routeKey}`);
  if (![401, 303].includes(entry.admin)) return 'admin';
  return ROLES.find((role) => entry[role] < 400) ?? 'admin';
};

/** The probe of a route from the access matrix, or its path with the fixtures' parameters. */
export const probeOf = async (route: RouteSpec, fx: Fixtures): Promise<Omit<Probe, 'method'>> => {
  const entry = accessMatrix[route.routeKey];
  return entry?.probe ? entry.probe(fx) : { path: fillPath(route.path, fx.params) };
};

const contractOf = (routeKey: string) =>
  endpoints.flatMap((e) => e.routes).find((r) => `${r.method} ${r.path}` === routeKey);

/** True when the route answers HTML pages (from its contract); unknown routes count as JSON routes. */
export const htmlRoute = (routeKey: string): boolean => {
  const contract = contractOf(routeKey);
  return contract ? isHtmlRoute(contract) : false;
};

const isGatewayMessage = (answer: Answer): boolean => {
  try {
    const body = JSON.parse(answer.text) as unknown;
    return !!body && typeof body === 'object' && Object.keys(body).join() === 'message';
  } catch {
    return false;
  }
};

/**
 * What is wrong with an answer, if anything: a 5xx; on JSON routes a 4xx that is not problem+json with the status
 * it is sent with; on HTML routes a 4xx that is not a page. API Gateway's own answers (`{"message": ...}`) are
 * accepted for what only the gateway says: 401 from its authorizer, 404 for a path no route matches, 413 too large.
 */
export const problemsOf = (routeKey: string, answer: Answer): string[] => {
  const problems: string[] = [];
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.status >= 500) problems.push(`${answer.status} server error: ${answer.text.slice(0, 300)}`);
  else if (answer.status >= 400) {
    if (isGatewayMessage(answer) && [401, 404, 413].includes(answer.status)) return problems;
    if (htmlRoute(routeKey)) {
      if (!type.startsWith('text/html')) problems.push(`${answer.status} on an HTML route is ${type}, not a page`);
    } else if (type !== 'application/problem+json') {
      problems.push(`${answer.status} on a JSON route is ${type}, not problem+json: ${answer.text.slice(0, 200)}`);
    } else {
      const problem = JSON.parse(answer.text) as { status?: number; type?: string; title?: string };
      if (problem.status !== answer.status || !problem.type || !problem.title) {
        problems.push(`problem+json does not match its status: ${answer.text.slice(0, 200)}`);
      }
    }
  }
  if (/\bat .*\.(ts|js|mjs):\d+/.test(answer.text)) problems.push('a stack trace in the answer');
  return problems;
};

/** Figures of a hostile run: inputs per route and kind, statuses seen. */
export interface HostileFigures {
  perRoute: Record<string, number>;
  perKind: Record<string, number>;
  statuses: Record<string, number>;
}

export const emptyFigures = (): HostileFigures => ({ perRoute: {}, perKind: {}, statuses: {} });

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Runs `numRuns` hostile requests (fixed `seed`) against every route of the template, as the role the matrix lets
 * through, and returns what went wrong: answers that break the oracle, and rejected requests that changed a table.
 */
export const hostileRun = async (
  sc: SecurityCloud,
  options: { seed: number; numRuns: number; hugeBytes: number; maxDepth: number; figures: HostileFigures },
): Promise<string[]> => {
  const failures: string[] = [];
  for (const [index, route] of sc.cloud.system.routes.entries()) {
    if (!accessMatrix[route.routeKey]) {
      failures.push(`${route.routeKey}: no entry in test/security/access-matrix.ts, so no probe to start from`);
      continue;
    }
    const role = actingRole(route.routeKey);
    const probe = await probeOf(route, sc.fx);
    const writes = route.method !== 'GET';
    await sc.fx.settle();
    let last = await sc.dump();
    const routeFailures: string[] = [];
    await fc.assert(
      fc.asyncProperty(hostileRequests(route, probe, options), async (request) => {
        const answer = await sc.send(role, {
          method: route.method,
          path: request.path,
          body: request.body,
          contentType: request.contentType,
          headers: request.headers,
        });
        bump(options.figures.perRoute, route.routeKey);
        bump(options.figures.perKind, request.kind);
        bump(options.figures.statuses, String(answer.status));
        const label = `${route.routeKey} as ${role}, ${request.kind} (${request.path}, ${JSON.stringify(request.body?.slice(0, 120))}, ${request.contentType})`;
        // Clients resolve `.` and `..` segments: another route may be the one that answers.
        const sentPath = new URL(request.path, 'http://client').pathname;
        const served = matchRoute(sc.cloud.system.routes, route.method, sentPath)?.route.routeKey ?? route.routeKey;
        for (const problem of problemsOf(served, answer)) routeFailures.push(`${label}: ${problem}`);
        if (writes) {
          await sc.fx.settle();
          const now = await sc.dump();
          if (answer.status >= 400 && now !== last) {
            routeFailures.push(
              `${label}: refused with ${answer.status} but changed a table:\n${dumpChange(last, now)}`,
            );
          }
          last = now;
        }
      }),
      { seed: options.seed + index, numRuns: options.numRuns, endOnFailure: true },
    );
    await sc.fx.settle();
    const after = await sc.dump();
    if (!writes && after !== last)
      routeFailures.push(`${route.routeKey}: GETs changed a table:\n${dumpChange(last, after)}`);
    failures.push(...routeFailures.slice(0, 5));
  }
  return failures;
};
