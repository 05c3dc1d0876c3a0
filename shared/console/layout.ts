import type { Caller } from '#shared/http/auth';
import { html, type SafeHtml } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import { CSRF_FIELD } from './csrf.ts';

/** The console's frame: a header with the caller, navigation by role and the sign-out button; wide tables scroll. */

// Laptop and phone: the navigation wraps, tables scroll sideways inside their box, inputs take the full width.
const STYLE = `
main{max-width:64rem}footer{max-width:64rem}
.bar{background:#0b2e4f;color:#fff;padding:.5rem 1rem}.bar a{color:#fff}.bar nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;max-width:62rem;margin:0 auto}
.bar .who{margin-left:auto;font-size:.9rem}.bar form{margin:0}.bar button{background:transparent;border:1px solid #fff;color:#fff;padding:.25rem .6rem;margin:0}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--line);padding:.35rem;text-align:left;vertical-align:top}
label{display:block;font-weight:600;margin-top:.8rem}.help{color:var(--muted);font-size:.9rem;margin:.1rem 0}
input[type=text],input[type=email],input[type=tel],input[type=number],input[type=date],select,textarea{width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:4px}
textarea.code{font-family:ui-monospace,monospace;font-size:.85rem}
fieldset{border:1px solid var(--line);border-radius:4px;margin:.8rem 0}fieldset label{font-weight:400;margin:.2rem 0}
button{font:inherit;padding:.6rem 1.1rem;background:var(--accent);color:#fff;border:0;border-radius:4px;margin-top:.8rem;cursor:pointer}
button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent)}button.danger{background:var(--bad)}
.field-error{color:var(--bad);font-weight:600;margin:.2rem 0}[aria-invalid=true]{border-color:var(--bad)!important}
.notice{border-left:4px solid #1a7f37;background:#eef8f0;padding:.5rem 1rem}
dl{display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.25rem 1rem}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem;padding:0;list-style:none}.cards li{border:1px solid var(--line);border-radius:4px;padding:.8rem}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}.filters label{margin:0}.filters select,.filters input{width:auto}
svg{max-width:100%;height:auto}svg.chart{display:block;width:100%;max-width:34rem;margin:.5rem 0}.tree ul{margin:.2rem 0 .2rem 1rem;padding-left:.8rem;border-left:1px dotted var(--line)}
`;

const NOTICES: Record<string, string> = {
  terkirim: 'Pengajuan terkirim.',
  ditarik: 'Pengajuan ditarik.',
  'diajukan-ulang': 'Perbaikan terkirim; persetujuan dimulai lagi.',
  dibuat: 'Tersimpan.',
  versi: 'Versi baru tersimpan.',
  diterbitkan: 'Formulir diterbitkan.',
  diarsipkan: 'Formulir diarsipkan.',
  alur: 'Alur persetujuan formulir diperbarui.',
  diundang: 'Undangan terkirim.',
  dinonaktifkan: 'Akun staf dinonaktifkan.',
  diaktifkan: 'Akun staf diaktifkan kembali.',
  dikirim: 'Surat dikirim ulang.',
  dibalas: 'Balasan tersimpan.',
  ditutup: 'Saran ditutup.',
  kepala: 'Jabatan kepala tersimpan.',
  diputuskan: 'Keputusan tercatat.',
  sebagian: 'Sebagian keputusan tercatat; yang belum tercatat masih di kotak masuk, silakan kirim lagi.',
  dibatalkan: 'Pendaftaran dibatalkan.',
  kapasitas: 'Kapasitas angkatan diperbarui.',
  hadir: 'Kehadiran tercatat.',
  status: 'Status pelatihan diperbarui.',
};

/** The text of a notice named in `?pesan=` (only these fixed texts: nothing from the URL is shown). */
export const noticeOf = (key: string | undefined): string | undefined => (key ? NOTICES[key] : undefined);

const has = (caller: Caller, ...roles: Caller['groups']) => roles.some((role) => caller.groups.includes(role));

const navigation = (caller: Caller): SafeHtml => {
  const links: [string, string][] = [['/konsol', 'Beranda']];
  if (has(caller, 'operator', 'admin')) {
    links.push(
      ['/konsol/formulir', 'Isi formulir'],
      ['/konsol/pengajuan', 'Pengajuan'],
      ['/konsol/pelatihan', 'Pelatihan'],
    );
  }
  links.push(['/konsol/kotak-masuk', 'Kotak masuk']);
  if (has(caller, 'unit-head', 'admin')) links.push(['/konsol/laporan', 'Laporan survei']);
  if (has(caller, 'admin')) {
    links.push(
      ['/konsol/admin/formulir', 'Kelola formulir'],
      ['/konsol/admin/alur', 'Alur persetujuan'],
      ['/konsol/admin/direktori', 'Direktori'],
      ['/konsol/admin/staf', 'Staf'],
      ['/konsol/admin/surat', 'Surat gagal'],
    );
  }
  return html`${links.map(([href, text]) => html`<a href="${href}">${text}</a>`)}`;
};

/** The hidden CSRF field every state-changing form carries. */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;

export interface ConsolePage {
  title: string;
  caller: Caller;
  body: SafeHtml;
  /** A confirmation shown above the page (a fixed text, see `noticeOf`). */
  notice?: string;
}

/** A complete console page. */
export const consolePage = ({ title, caller, body, notice }: ConsolePage): string =>
  page({
    title: `${title} · Konsol abdi`,
    privacyLink: false,
    style: STYLE,
    body: html`<header class="bar"><nav aria-label="Menu konsol">${navigation(caller)}
<span class="who">${caller.name} · ${caller.officeCode}</span>
<form method="post" action="/auth/logout"><button type="submit">Keluar</button></form></nav></header>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<h1>${title}</h1>
${body}`,
  });

/** A table inside a box that scrolls sideways on a phone. */
export const table = (head: readonly string[], rows: readonly SafeHtml[], empty = 'Belum ada data.'): SafeHtml =>
  rows.length === 0
    ? html`<p>${empty}</p>`
    : html`<div class="scroll"><table><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

/** Field errors of a domain error (`values.name` → `name`), for showing beside each field. */
export const errorsByField = (
  errors: readonly { field: string; message: string }[] | undefined,
  prefix = '',
): Map<string, string> => {
  const out = new Map<string, string>();
  for (const error of errors ?? []) {
    const field = prefix && error.field.startsWith(prefix) ? error.field.slice(prefix.length) : error.field;
    if (!out.has(field)) out.set(field, error.message);
  }
  return out;
};

/** The error beside a field, if any. */
export const fieldError = (errors: Map<string, string>, field: string): SafeHtml | '' => {
  const message = errors.get(field);
  return message ? html`<p class="field-error" id="galat-${field}">${message}</p>` : '';
};

/** The message list at the top of a form that was refused. */
export const errorSummary = (errors: Map<string, string>, intro = 'Periksa isian yang ditandai.'): SafeHtml | '' =>
  errors.size === 0 ? '' : html`<div class="errors" role="alert"><p>${intro}</p></div>`;

/** Zod issues by field (`fields.0.name`), the first message of each. */
export const issuesByField = (
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Map<string, string> =>
  errorsByField(issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })));
