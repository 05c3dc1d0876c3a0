import type { AddressInfo } from 'node:net';

/** An email the local SES endpoint accepted, as the outbox shows it. */
export interface CapturedEmail {
  /** The MessageId SendEmail returned. */
  id: string;
  /** ISO time of the send (aws-ses-v2-local keeps whole seconds). */
  at: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  text?: string;
  html?: string;
  /** Attachments, without their content. */
  attachments: { filename?: string; contentType: string; size: number }[];
  /** http(s) URLs of the HTML part's href attributes, then of the text part: entity-decoded, deduplicated, in order. */
  links: string[];
}

/** The local SES v2 endpoint. */
export interface SesLocal {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` or `AWS_ENDPOINT_URL_SESV2`. */
  endpoint: string;
  stop(): Promise<void>;
  /** Every email captured so far, oldest first. */
  messages(): Promise<CapturedEmail[]>;
  clear(): Promise<void>;
}

/** The shape aws-ses-v2-local 2.x keeps each email in (`GET /store`). */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { contentType: string; filename?: string; size: number }[];
  /** Epoch seconds. */
  at: number;
}

/**
 * Starts `aws-ses-v2-local` in this process on 127.0.0.1 (a free port). It accepts SES v1/v2 SendEmail (simple, raw
 * and template content) with any dummy credentials and keeps the mail in memory. That store is module-level in the
 * package: every instance in one process shares it, so `clear()` empties all of them.
 */
export const startSesLocal = async (): Promise<SesLocal> => {
  const sesPackage = await import('aws-ses-v2-local');
  // Node's own loader hands over the CommonJS `exports` object as `default`; tsx and vitest unwrap `exports.default`.
  const start =
    typeof sesPackage.default === 'function'
      ? sesPackage.default
      : (sesPackage.default as unknown as { default: typeof sesPackage.default }).default;
  const server = await start({ port: 0, host: '127.0.0.1' });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    stop: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
    messages: async () => {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`aws-ses-v2-local: GET /store answered ${response.status}`);
      const { emails } = (await response.json()) as { emails: StoredEmail[] };
      return emails.map(toCapturedEmail);
    },
    clear: async () => {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`aws-ses-v2-local: POST /clear-store answered ${response.status}`);
    },
  };
};

const toCapturedEmail = (email: StoredEmail): CapturedEmail => ({
  id: email.messageId,
  at: new Date(email.at * 1000).toISOString(),
  from: email.from,
  to: email.destination.to,
  cc: email.destination.cc,
  bcc: email.destination.bcc,
  replyTo: email.replyTo,
  subject: email.subject,
  text: email.body.text,
  html: email.body.html,
  attachments: email.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })),
  links: [...new Set([...hrefLinks(email.body.html ?? ''), ...textLinks(email.body.text ?? '')])],
});

const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/gi;
// Stops at whitespace, quotes and angle brackets; trailing sentence punctuation is trimmed afterwards.
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/gi;
const HTTP = /^https?:\/\//i;

const hrefLinks = (html: string) =>
  [...html.matchAll(HREF)]
    .map((match) => decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim())
    .filter((url) => HTTP.test(url));

const textLinks = (text: string) => [...text.matchAll(URL_IN_TEXT)].map(([url]) => url.replace(/[.,;:!?)\]]+$/, ''));

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes the entities that show up in URLs: numeric ones and the few named ones above. */
const decodeEntities = (value: string) =>
  value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== '#') return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
    const codePoint = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
