/**
 * Redaction of what must never reach a log line: link and task tokens, NIPs, phone numbers, session cookies,
 * request bodies (they may hold any of these, in encodings a pattern cannot see). Applied by the logger to every
 * key and value it serializes, so a careless `logger.debug('event', { event })` still leaks nothing.
 */

// Keys whose values are dropped whole, whatever they hold (compared lower-cased, without - and _).
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'cookies',
  'setcookie',
  'token',
  'tasktoken',
  'linktoken',
  'idempotencykey',
  'password',
  'secret',
  'nip',
  'phone',
  'telepon',
  'nohp',
  'hp',
  'body',
  'rawbody',
  'rawquerystring',
  'querystringparameters',
  'pathparameters',
]);

const PATTERNS: [RegExp, string][] = [
  // JWTs (three dot-separated base64url parts).
  [/[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[token]'],
  // Link tokens (32 random bytes: 43 base64url characters), task tokens, hex digests: any base64url/hex run of 40+
  // characters...
  [/[A-Za-z0-9_-]{40,}/g, '[token]'],
  // ...and standard base64 of the same length: it must hold a + or = (file paths, which are letters and slashes, stay
  // readable in stack traces).
  [/(?=[A-Za-z0-9/]*[+=])[A-Za-z0-9+/]{40,}={0,2}/g, '[token]'],
  // NIP: 18 digits (also inside longer text), also typed in its groups 8-6-1-3 with spaces, dots or hyphens.
  [/(?<!\d)\d{8}[\s.-]?\d{6}[\s.-]?\d[\s.-]?\d{3}(?!\d)/g, '[NIP]'],
  // Indonesian mobile numbers: +62 / 62 / 0 then 8 and 7 to 11 more digits, optionally separated.
  [/(?<![\d])(?:\+?62|0)[\s-]?8(?:[\s-]?\d){7,11}(?!\d)/g, '[telepon]'],
];

const normalizeKey = (key: string) => key.toLowerCase().replace(/[-_]/g, '');

// Powertools' own context keys: names and ids of this function, never personal data, and long enough to look like
// tokens.
const CONTEXT_KEYS = new Set(['function_name', 'function_arn', 'function_request_id', 'xray_trace_id', 'service']);

/** Masks secrets inside a free-text string. */
export const redactText = (text: string): string =>
  PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);

/** A JSON replacer: drops secret keys' values and masks secrets in strings. */
export const redactingReplacer = (key: string, value: unknown): unknown => {
  if (CONTEXT_KEYS.has(key)) return value;
  if (key && SECRET_KEYS.has(normalizeKey(key)) && value !== undefined && value !== null) return '[redacted]';
  if (typeof value === 'string') return redactText(value);
  return value;
};
