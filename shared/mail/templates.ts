import { html } from '#shared/pages/html';

/**
 * Mail templates, in Bahasa Indonesia. A template turns its data into {@link MailContent} (structured content: a
 * subject, paragraphs, an optional action link, details); one layout renders every content as a subject, a text part
 * and an HTML part. Templates never write HTML, so escaping and header safety live in one place. Later capabilities
 * add entries to {@link templates}; the outbox and the sender never change for a new template.
 */

/** What a template produces: structured content, not markup. */
export interface MailContent {
  subject: string;
  /** Whom the greeting addresses. @default 'Bapak/Ibu' */
  recipientName?: string;
  paragraphs: string[];
  /** Label/value rows shown as a small table (request number, training name, deadline, ...). */
  details?: { label: string; value: string }[];
  /** One call to action: a path on the public base URL (e.g. `/keputusan/<token>`), never a full URL. */
  action?: { label: string; path: string };
  /** The office on whose behalf the mail goes out, named in the footer. */
  officeName: string;
}

/** A rendered email, ready for SES. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** What rendering needs from the deployment. */
export interface RenderContext {
  /** Absolute http(s) base URL links are built on (custom domain, else the API endpoint). */
  publicBaseUrl: string;
}

/** A template: its data in, content out. */
export interface MailTemplate<Data> {
  content(data: Data): MailContent;
}

const define = <Data>(content: (data: Data) => MailContent): MailTemplate<Data> => ({ content });

/** Every template, by name. The name is stored on the outbox item and shown to admins. */
export const templates = {
  /** A generic notice: the content is the data. */
  notice: define<MailContent>((data) => data),
};

export type TemplateName = keyof typeof templates;
export type TemplateData<Name extends TemplateName> =
  (typeof templates)[Name] extends MailTemplate<infer Data> ? Data : never;

// SES (and RFC 5322) headers are single lines: any line break in a subject would start a new header.
const LINE_BREAKS_AND_CONTROLS = /[\p{Cc}\u2028\u2029]+/gu;
const MAX_SUBJECT_LENGTH = 200;

/** A header value from untrusted text: control characters (CR, LF, tab, ...) become spaces, runs collapse, at most 200 characters. */
export const headerValue = (text: string): string => {
  const flat = text.replace(LINE_BREAKS_AND_CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SUBJECT_LENGTH ? `${flat.slice(0, MAX_SUBJECT_LENGTH - 1).trimEnd()}…` : flat;
};

/**
 * An absolute link on the public base URL. Only a path is accepted (`/x/y?z`), so data can never point a button at
 * another site; the result is checked to stay on the base URL's origin.
 */
export const publicLink = (publicBaseUrl: string, path: string): string => {
  const base = new URL(publicBaseUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('the public base URL must be http(s)');
  if (!path.startsWith('/') || path.startsWith('//') || /[\s\\]/.test(path)) {
    throw new Error(`a mail link must be a path on the public base URL, got "${path}"`);
  }
  const url = new URL(`${base.href.replace(/\/$/, '')}${path}`);
  if (url.origin !== base.origin) throw new Error('a mail link left the public base URL');
  return url.href;
};

// Text parts: paragraphs keep their own line breaks (normalised), stray control characters go.
const textBlock = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\t' ? c : ''))
    .trim();

const FOOTER_NOTE = 'Email ini dikirim secara otomatis oleh sistem; mohon tidak membalas email ini.';

// Inline styles only: mail clients drop <style> blocks and external CSS.
const STYLE = {
  body: 'margin:0;padding:0;background:#f4f6f8;color:#1b1f24;font:16px/1.5 Arial,Helvetica,sans-serif',
  card: 'max-width:600px;margin:0 auto;padding:24px;background:#ffffff',
  button:
    'display:inline-block;padding:12px 20px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold',
  label: 'padding:4px 12px 4px 0;color:#4a5560;vertical-align:top',
  footer: 'max-width:600px;margin:0 auto;padding:16px 24px;color:#4a5560;font-size:13px',
};

/** Renders content: the subject made header-safe, a readable text part and an escaped HTML part with the same words. */
export const renderContent = (content: MailContent, context: RenderContext): RenderedMail => {
  const subject = headerValue(content.subject);
  const greeting = `Yth. ${headerValue(content.recipientName ?? '') || 'Bapak/Ibu'},`;
  const paragraphs = content.paragraphs.map(textBlock).filter((p) => p.length > 0);
  const details = (content.details ?? []).map(({ label, value }) => ({
    label: headerValue(label),
    value: textBlock(value),
  }));
  const action = content.action && {
    label: headerValue(content.action.label),
    url: publicLink(context.publicBaseUrl, content.action.path),
  };
  const officeName = headerValue(content.officeName);

  const text = [
    greeting,
    ...paragraphs,
    details.length > 0 ? details.map(({ label, value }) => `${label}: ${value}`).join('\n') : undefined,
    action ? `${action.label}:\n${action.url}` : undefined,
    `Hormat kami,\n${officeName}`,
    `--\n${FOOTER_NOTE}`,
  ]
    .filter((block) => block !== undefined)
    .join('\n\n');

  const paragraphHtml = (p: string) =>
    html`<p style="margin:0 0 16px">${p.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`;
  const body = html`<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="${STYLE.body}">
<div style="${STYLE.card}">
<p style="margin:0 0 16px">${greeting}</p>
${paragraphs.map(paragraphHtml)}
${
  details.length > 0
    ? html`<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">${details.map(
        ({ label, value }) => html`<tr><td style="${STYLE.label}">${label}</td><td>${value}</td></tr>`,
      )}</table>`
    : ''
}
${action ? html`<p style="margin:24px 0"><a href="${action.url}" style="${STYLE.button}">${action.label}</a></p>` : ''}
${action ? html`<p style="margin:0 0 16px;font-size:13px;color:#4a5560">Jika tombol tidak berfungsi, salin alamat ini ke peramban Anda:<br>${action.url}</p>` : ''}
<p style="margin:24px 0 0">Hormat kami,<br>${officeName}</p>
</div>
<div style="${STYLE.footer}">${FOOTER_NOTE}</div>
</body>
</html>`;
  return { subject, text, html: body.value };
};

/** Renders a named template with its data. */
export const renderMail = <Name extends TemplateName>(
  name: Name,
  data: TemplateData<Name>,
  context: RenderContext,
): RenderedMail => {
  const template = templates[name] as MailTemplate<TemplateData<Name>> | undefined;
  if (!template) throw new Error(`unknown mail template "${String(name)}"`);
  return renderContent(template.content(data), context);
};
