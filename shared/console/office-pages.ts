import type { FormDetail, FormSummary, Submission } from '#shared/forms/contracts';
import type { Caller } from '#shared/http/auth';
import { html, type SafeHtml } from '#shared/pages/html';
import type { AuditEntry, StageView } from '#shared/workflow/contracts';
import { progressTables, statusText, valuesList } from '#shared/workflow/pages';
import { wibDateTime } from '#shared/workflow/state';
import type * as z from '#shared/zod';
import { formFields, type Shown } from './fields.ts';
import { consolePage, csrfField, errorSummary, fieldError, table } from './layout.ts';

/** The pages of office work: home, forms to fill, the office's submissions, one submission. */

type Form = z.infer<typeof FormDetail>;
type StoredSubmission = z.infer<typeof Submission>;

const has = (caller: Caller, ...roles: Caller['groups']) => roles.some((role) => caller.groups.includes(role));

const ROLE_NAMES: Record<string, string> = { admin: 'Admin', operator: 'Operator kantor', 'unit-head': 'Kepala unit' };

/** Home: one card per thing the caller's roles can do. */
export const homePage = (caller: Caller, notice?: string): string => {
  const cards: SafeHtml[] = [];
  const card = (href: string, title: string, text: string) =>
    html`<li><a href="${href}"><strong>${title}</strong></a><br>${text}</li>`;
  if (has(caller, 'operator', 'admin')) {
    cards.push(
      card('/konsol/formulir', 'Isi formulir', 'Ajukan formulir atas nama kantor Anda.'),
      card('/konsol/pengajuan', 'Pengajuan kantor', 'Pantau status, tahap persetujuan dan riwayatnya.'),
    );
  }
  if (has(caller, 'unit-head', 'admin')) {
    cards.push(card('/konsol/laporan', 'Laporan survei', 'Indeks kepuasan (IKM), tren, unsur terlemah dan saran.'));
  }
  if (has(caller, 'admin')) {
    cards.push(
      card('/konsol/admin/formulir', 'Kelola formulir', 'Buat, ubah versi, pratinjau, terbitkan, arsipkan.'),
      card('/konsol/admin/alur', 'Alur persetujuan', 'Tahap, penyetuju, aturan dan tenggat.'),
      card('/konsol/admin/direktori', 'Direktori', 'Unit, pejabat, Plt./Plh., impor CSV, poster QR.'),
      card('/konsol/admin/staf', 'Staf', 'Undang dan nonaktifkan akun staf.'),
      card('/konsol/admin/surat', 'Surat gagal', 'Lihat dan kirim ulang surat yang gagal.'),
    );
  }
  return consolePage({
    title: `Selamat datang, ${caller.name}`,
    caller,
    notice,
    body: html`<p>Peran: ${caller.groups.map((g) => ROLE_NAMES[g] ?? g).join(', ') || 'tanpa peran'} · Kantor ${caller.officeCode}</p>
<ul class="cards">${cards}</ul>`,
  });
};

/** The published forms, each to fill in. */
export const formsPage = (caller: Caller, forms: readonly z.infer<typeof FormSummary>[]): string =>
  consolePage({
    title: 'Isi formulir',
    caller,
    body: html`<p>Formulir yang dapat diajukan oleh kantor ${caller.officeCode}:</p>
${table(
  ['Formulir', 'Keterangan'],
  forms.map(
    (f) => html`<tr><td><a href="/konsol/formulir/${f.id}">${f.title}</a></td><td>${f.description ?? ''}</td></tr>`,
  ),
  'Belum ada formulir yang diterbitkan.',
)}`,
  });

/** A form to fill in; after a refused submission, the values kept and each error beside its field. */
export const fillPage = (
  caller: Caller,
  form: Form,
  csrf: string,
  values: Record<string, Shown> = {},
  errors: Map<string, string> = new Map(),
): string =>
  consolePage({
    title: form.title,
    caller,
    body: html`${form.description ? html`<p>${form.description}</p>` : ''}
${errorSummary(errors, 'Pengajuan belum terkirim: periksa isian yang ditandai.')}
${fieldError(errors, 'values')}
<form method="post" action="/konsol/formulir/${form.id}" novalidate>
${csrfField(csrf)}
${formFields(form.fields, values, errors)}
<p class="help">Kolom bertanda * wajib diisi. Pengajuan atas nama kantor ${caller.officeCode}.</p>
<button type="submit">Kirim pengajuan</button>
</form>`,
  });

const STATUSES = ['submitted', 'in_approval', 'changes_requested', 'approved', 'rejected', 'withdrawn'];

/** The office's submissions with filters by status and form (within the page read). */
export const submissionsPage = (
  caller: Caller,
  office: string,
  items: readonly StoredSubmission[],
  filters: { status?: string; formId?: string },
  forms: readonly { id: string; title: string }[],
  next?: string,
): string => {
  const query = (extra: Record<string, string | undefined>) =>
    new URLSearchParams(
      Object.entries({ status: filters.status, formulir: filters.formId, kantor: office, ...extra }).filter(
        (e): e is [string, string] => Boolean(e[1]),
      ),
    ).toString();
  return consolePage({
    title: `Pengajuan kantor ${office}`,
    caller,
    body: html`<form method="get" action="/konsol/pengajuan" class="filters">
<label>Status<br><select name="status"><option value="">Semua</option>${STATUSES.map(
      (s) => html`<option value="${s}"${filters.status === s ? html` selected` : ''}>${statusText(s)}</option>`,
    )}</select></label>
<label>Formulir<br><select name="formulir"><option value="">Semua</option>${forms.map(
      (f) => html`<option value="${f.id}"${filters.formId === f.id ? html` selected` : ''}>${f.title}</option>`,
    )}</select></label>
${caller.groups.includes('admin') ? html`<label>Kantor<br><input type="text" name="kantor" value="${office}" size="10"></label>` : ''}
<button type="submit" class="secondary">Saring</button>
</form>
${table(
  ['Diajukan', 'Formulir', 'Status', 'Nomor'],
  items.map(
    (s) =>
      html`<tr><td>${wibDateTime(s.createdAt)}</td><td>${s.formTitle}</td><td data-status="${s.status}">${statusText(s.status)}</td><td><a href="/konsol/pengajuan/${s.id}">${s.id}</a></td></tr>`,
  ),
  'Tidak ada pengajuan yang cocok.',
)}
${next ? html`<p><a href="/konsol/pengajuan?${query({ cursor: next })}">Halaman berikutnya</a></p>` : ''}`,
  });
};

export interface SubmissionView {
  id: string;
  formTitle: string;
  officeCode: string;
  status: string;
  round: number;
  createdAt: string;
  requesterName?: string;
  outcomeComment?: string;
  outcomeReason?: string;
  values: Record<string, unknown>;
  workflowId?: string;
}

/**
 * A submission: its values, then the stage timeline and audit trail (the status page's tables); withdraw while it
 * is open; after "request changes", the form again to edit and resubmit.
 */
export const submissionPage = (
  caller: Caller,
  request: SubmissionView,
  form: Form,
  progress: { stages: z.infer<typeof StageView>[]; audit: z.infer<typeof AuditEntry>[] },
  csrf: string,
  options: { notice?: string; values?: Record<string, Shown>; errors?: Map<string, string> } = {},
): string => {
  const errors = options.errors ?? new Map<string, string>();
  const open = ['submitted', 'in_approval', 'changes_requested'].includes(request.status);
  const resubmit =
    request.status === 'changes_requested'
      ? html`<h2 id="perbaiki">Perbaiki dan ajukan ulang</h2>
${request.outcomeComment ? html`<p>Catatan penyetuju: “${request.outcomeComment}”</p>` : ''}
${errorSummary(errors, 'Perbaikan belum terkirim: periksa isian yang ditandai.')}
${fieldError(errors, 'values')}
<form method="post" action="/konsol/pengajuan/${request.id}" novalidate>
${csrfField(csrf)}<input type="hidden" name="aksi" value="ajukan-ulang">
${formFields(form.fields, options.values ?? {}, errors)}
<button type="submit">Ajukan ulang</button>
</form>`
      : '';
  const withdraw = open
    ? html`<h2>Tarik pengajuan</h2>
<form method="post" action="/konsol/pengajuan/${request.id}">
${csrfField(csrf)}<input type="hidden" name="aksi" value="tarik">
<label for="alasan">Alasan (tidak wajib)</label><input type="text" id="alasan" name="alasan" maxlength="1000">
<button type="submit" class="danger">Tarik pengajuan</button>
</form>`
    : '';
  return consolePage({
    title: request.formTitle,
    caller,
    notice: options.notice,
    body: html`<dl>
<dt>Nomor</dt><dd>${request.id}</dd>
<dt>Kantor</dt><dd>${request.officeCode}</dd>
<dt>Status</dt><dd><strong data-status="${request.status}">${statusText(request.status)}</strong>${request.workflowId ? html` (putaran ${request.round})` : ''}</dd>
<dt>Diajukan</dt><dd>${wibDateTime(request.createdAt)}${request.requesterName ? html` oleh ${request.requesterName}` : ''}</dd>
${request.outcomeReason ? html`<dt>Keterangan</dt><dd>${request.outcomeReason}</dd>` : ''}
</dl>
<h2>Isi pengajuan</h2>
${valuesList(form.fields, request.values)}
${request.workflowId ? html`<div class="scroll">${progressTables(progress)}</div>` : html`<p>Formulir ini tidak memakai alur persetujuan.</p>`}
${resubmit}
${withdraw}`,
  });
};
