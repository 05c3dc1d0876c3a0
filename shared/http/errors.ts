import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { html } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import { HttpProblem, internalProblem, type Problem } from './problem.ts';

/** Headers every answer carries. */
export const securityHeaders: Record<string, string> = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

// Domain errors carry a stable kind; this is the only place that knows which status each kind gets.
const STATUS_BY_KIND: Record<string, number> = {
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'in-progress': 409,
  gone: 410,
  'rate-limited': 429,
};

const TITLE_BY_STATUS: Record<number, string> = {
  400: 'Permintaan tidak dapat dibaca',
  401: 'Silakan masuk terlebih dahulu',
  403: 'Anda tidak berhak melakukan ini',
  404: 'Halaman atau data tidak ditemukan',
  409: 'Permintaan bertentangan dengan keadaan saat ini',
  410: 'Tautan ini sudah tidak berlaku',
  422: 'Data yang dikirim tidak valid',
  429: 'Terlalu banyak permintaan',
  503: 'Layanan sedang sibuk',
};

// The database said "slow down" and the SDK's own retries (and the transaction helper's) ran out, or stopped at the
// invocation's deadline before sending: nothing was written, and the same request may succeed in a moment. A 503
// with Retry-After says so; a 500 would not.
const BUSY_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionContentionError',
  'UnprocessedKeysError',
  'DeadlineExceededError',
]);

const busyProblem: Problem = {
  type: 'https://abdi.dev/problems/busy',
  title: 'Layanan sedang sibuk',
  status: 503,
  detail: 'Permintaan tidak diproses karena layanan sedang sibuk; tidak ada yang tersimpan. Silakan coba lagi.',
};

// A call got no answer in time (its request timeout, cut to the invocation's deadline): a write may or may not have
// been applied, so the answer does not claim that nothing was stored. Transactions are all or nothing either way.
const TIMEOUT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

const timeoutProblem: Problem = {
  type: 'https://abdi.dev/problems/timeout',
  title: 'Layanan sedang sibuk',
  status: 503,
  detail:
    'Permintaan tidak selesai tepat waktu dan mungkin belum tersimpan. Periksa hasilnya, lalu kirim ulang bila perlu.',
};

/** Busy or timed out, by the error's name or its causes' (a wrapper such as Powertools' persistence error keeps it). */
const unavailableProblem = (error: unknown, depth = 0): Problem | undefined => {
  const name = String((error as { name?: unknown } | null)?.name);
  if (BUSY_ERRORS.has(name)) return busyProblem;
  if (TIMEOUT_ERRORS.has(name)) return timeoutProblem;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause !== undefined && depth < 3 ? unavailableProblem(cause, depth + 1) : undefined;
};

/** The problem an error stands for: HttpProblem as is, a domain error by its kind, anything else a bare 500. */
export const problemOf = (error: unknown): { problem: Problem; headers: Record<string, string> } => {
  if (error instanceof HttpProblem) return { problem: error.problem, headers: error.headers };
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && STATUS_BY_KIND[kind]) {
    const status = STATUS_BY_KIND[kind]!;
    const domain = error as { message?: string; errors?: Problem['errors']; retryAfterSeconds?: number };
    return {
      problem: {
        type: `https://abdi.dev/problems/${kind}`,
        title: TITLE_BY_STATUS[status] ?? 'Permintaan ditolak',
        status,
        ...(domain.message ? { detail: domain.message } : {}),
        ...(domain.errors ? { errors: domain.errors } : {}),
      },
      headers: domain.retryAfterSeconds ? { 'retry-after': String(domain.retryAfterSeconds) } : {},
    };
  }
  const unavailable = unavailableProblem(error);
  if (unavailable) return { problem: unavailable, headers: { 'retry-after': '1' } };
  return { problem: internalProblem, headers: {} };
};

const errorPage = (problem: Problem): string =>
  page({
    title: problem.title,
    body: html`<h1>${problem.title}</h1>
${problem.detail ? html`<p>${problem.detail}</p>` : ''}
${
  problem.errors?.length
    ? html`<ul class="errors">${problem.errors.map((e) => html`<li><strong>${e.field || 'isian'}</strong>: ${e.message}</li>`)}</ul>`
    : ''
}
<p>Gunakan tombol kembali pada peramban Anda untuk memperbaiki isian.</p>`,
  });

/** The answer for an error: problem+json on JSON routes, an HTML page with the same status on HTML routes. */
export const errorResponse = (error: unknown, htmlRoute: boolean): APIGatewayProxyStructuredResultV2 => {
  const { problem, headers } = problemOf(error);
  if (htmlRoute) {
    return {
      statusCode: problem.status,
      headers: { ...securityHeaders, ...headers, 'content-type': 'text/html; charset=utf-8' },
      body: errorPage(problem),
    };
  }
  return {
    statusCode: problem.status,
    headers: { ...securityHeaders, ...headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem),
  };
};
