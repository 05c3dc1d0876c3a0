import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml } from '#shared/pages/html';
import type { CapturedEmail } from './ses.ts';

const PREFIX = '/_outbox';
const HTTP_URL = /^https?:\/\//i;

// The pages run no script. Mail HTML is shown in a sandboxed srcdoc iframe, which inherits this policy too.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

const CSS = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid #d0d7de; }
th { white-space: nowrap; color: #57606a; font-weight: 600; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
ul, ol { margin: 0; padding-left: 1.2rem; }
a { color: #0969da; word-break: break-all; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .8rem; border-radius: 6px; }
iframe { width: 100%; height: 60vh; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }
.empty { color: #57606a; }
`;

type Route = { page: 'list' } | { page: 'json' } | { page: 'message'; id: string };

/**
 * Serves the captured emails under `/_outbox`, so a developer can read them and click their links (an approval, a
 * verification) as the recipient would:
 *
 * - `/_outbox`: every email, newest first: time, recipients, subject, links.
 * - `/_outbox/<id>`: one email: headers, links, the HTML part in a sandboxed iframe, the text part.
 * - `/_outbox.json`: `CapturedEmail[]` as `messages()` returns them (oldest first), for tests and scripts.
 *
 * Mail content is untrusted: everything is HTML-escaped, the pages carry a no-script Content-Security-Policy, and only
 * http(s) URLs become anchors. Returns `false` (after calling `next`, if given) for a path outside `/_outbox`, else a
 * promise of `true` once the answer is sent.
 */
export const outboxRequestHandler =
  (ses: { messages(): Promise<CapturedEmail[]> }) =>
  (req: IncomingMessage, res: ServerResponse, next?: () => void): boolean | Promise<boolean> => {
    const route = routeOf(new URL(req.url ?? '/', 'http://outbox').pathname);
    if (route === undefined) {
      next?.();
      return false;
    }
    return serve(ses, route, req, res).then(() => true);
  };

const routeOf = (pathname: string): Route | undefined => {
  if (pathname === `${PREFIX}.json`) return { page: 'json' };
  if (pathname === PREFIX || pathname === `${PREFIX}/`) return { page: 'list' };
  const id = pathname.startsWith(`${PREFIX}/`) ? pathname.slice(PREFIX.length + 1) : undefined;
  if (id === undefined || id.includes('/')) return undefined;
  try {
    return { page: 'message', id: decodeURIComponent(id) };
  } catch {
    return undefined;
  }
};

const serve = async (
  ses: { messages(): Promise<CapturedEmail[]> },
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow: 'GET, HEAD' });
  }
  let messages: CapturedEmail[];
  try {
    messages = await ses.messages();
  } catch (error) {
    const text = `The local SES endpoint did not answer: ${(error as Error).message}`;
    return send(res, 502, 'text/html; charset=utf-8', page('Outbox', `<h1>Outbox</h1><p>${escapeHtml(text)}</p>`));
  }
  if (route.page === 'json') return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(messages));
  if (route.page === 'list') return send(res, 200, 'text/html; charset=utf-8', listPage(messages));
  const message = messages.find((candidate) => candidate.id === route.id);
  if (message === undefined) {
    const body = `${backLink}<h1>Not found</h1><p>No captured email has the id <code>${escapeHtml(route.id)}</code>.</p>`;
    return send(res, 404, 'text/html; charset=utf-8', page('Not found · Outbox', body));
  }
  send(res, 200, 'text/html; charset=utf-8', messagePage(message));
};

const send = (
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
) => {
  const payload = Buffer.from(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    'content-type': contentType,
    'content-length': payload.length,
  });
  res.end(payload);
};

/** Escapes for HTML text and quoted attribute values (srcdoc included: the browser decodes it back to the mail). */

const page = (title: string, body: string) =>
  `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${body}
</body>
</html>
`;

const backLink = `<p><a href="${PREFIX}">&larr; Outbox</a></p>`;

const time = (iso: string) =>
  `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ''))} UTC</time>`;

const anchor = (url: string) =>
  HTTP_URL.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);

const linkList = (links: string[]) =>
  links.length ? `<ul>${links.map((url) => `<li>${anchor(url)}</li>`).join('')}</ul>` : '';

const subjectOf = (message: CapturedEmail) => message.subject || '(no subject)';

const listPage = (messages: CapturedEmail[]) => {
  // The store appends: reversed, it is newest first even within the same second.
  const rows = [...messages].reverse().map(
    (message) => `<tr>
<td class="time">${time(message.at)}</td>
<td>${escapeHtml(message.to.join(', '))}</td>
<td><a href="${PREFIX}/${encodeURIComponent(message.id)}">${escapeHtml(subjectOf(message))}</a></td>
<td>${linkList(message.links)}</td>
</tr>`,
  );
  const table = rows.length
    ? `<table><thead><tr><th>Time</th><th>To</th><th>Subject</th><th>Links</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`
    : '<p class="empty">No email captured yet.</p>';
  return page(
    'Outbox',
    `<h1>Outbox</h1><p>${messages.length} captured email(s) · <a href="${PREFIX}.json">JSON</a></p>\n${table}`,
  );
};

const messagePage = (message: CapturedEmail) => {
  const headers: [string, string][] = [
    ['From', message.from],
    ['To', message.to.join(', ')],
    ['Cc', message.cc.join(', ')],
    ['Bcc', message.bcc.join(', ')],
    ['Reply-To', message.replyTo.join(', ')],
    ['Subject', subjectOf(message)],
    ['Message ID', message.id],
  ];
  const headerRows = headers
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `<tr><th>${name}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  const sections = [
    `${backLink}<h1>${escapeHtml(subjectOf(message))}</h1>`,
    `<table>\n<tr><th>Date</th><td>${time(message.at)}</td></tr>\n${headerRows}\n</table>`,
    `<h2>Links</h2>${linkList(message.links) || '<p class="empty">No links.</p>'}`,
    // sandbox with no allowances: the mail's scripts, forms and plugins stay off, and it gets an opaque origin.
    message.html === undefined
      ? ''
      : `<h2>HTML part</h2><iframe sandbox="" title="HTML part" srcdoc="${escapeHtml(message.html)}"></iframe>`,
    message.text === undefined ? '' : `<h2>Text part</h2><pre>${escapeHtml(message.text)}</pre>`,
    message.attachments.length === 0
      ? ''
      : `<h2>Attachments</h2><ul>${message.attachments
          .map(
            (file) =>
              `<li>${escapeHtml(file.filename ?? '(unnamed)')} · ${escapeHtml(file.contentType)} · ${file.size} bytes</li>`,
          )
          .join('')}</ul>`,
  ];
  return page(`${subjectOf(message)} · Outbox`, sections.filter(Boolean).join('\n'));
};
