import { html, SafeHtml } from './html.ts';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** Link to the privacy notice in the footer (every public page has it). @default true */
  privacyLink?: boolean;
  /** The page's own CSS, after the shared rules (a trusted constant, never user input). @default none */
  style?: string;
}

// Small, readable on a phone, high contrast; no external assets (pages must work on slow connections).
const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#4a5560;--line:#c9d1d9;--accent:#0b5cad;--bad:#b3261e;--bg:#fff}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:42rem;margin:0 auto;padding:1rem}h1{font-size:1.4rem;line-height:1.3}a{color:var(--accent)}
.errors{border-left:4px solid var(--bad);padding:.5rem 1rem;background:#fdf2f1}.errors li{color:var(--bad)}
footer{max-width:42rem;margin:2rem auto;padding:1rem;color:var(--muted);font-size:.9rem;border-top:1px solid var(--line)}
`;

/** A complete HTML document in Bahasa Indonesia. */
export const page = ({ title, body, privacyLink = true, style = '' }: PageOptions): string =>
  html`<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${new SafeHtml(STYLE + style)}</style>
</head>
<body>
<main>
${body}
</main>
<footer>abdi — layanan Pemerintah Kota${privacyLink ? html` · <a href="/privasi">Pemberitahuan privasi</a>` : ''}</footer>
</body>
</html>`.value;
