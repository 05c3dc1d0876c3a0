import type { FieldDefinition } from '#shared/forms/definition';
import { html, type SafeHtml } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import type * as z from '#shared/zod';
import type { AuditEntry, StageView } from './contracts.ts';
import type { DecisionInput, DecisionResult, LinkView } from './decide.ts';
import { ruleText, wibDateTime } from './state.ts';

/** The decision page, its outcomes, and the requester's status page (HTML, Bahasa Indonesia, no JavaScript). */

const STYLE = `
dl{display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.25rem 1rem}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
fieldset{border:1px solid var(--line);border-radius:4px;margin:1rem 0}label{display:block;margin:.4rem 0}
textarea,input[type=email]{width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:4px}
button{font:inherit;padding:.7rem 1.2rem;background:var(--accent);color:#fff;border:0;border-radius:4px;margin-top:1rem}
.field-error{color:var(--bad);font-weight:600;margin:.25rem 0}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid var(--line);padding:.35rem;text-align:left;vertical-align:top}
`;

const valueText = (field: FieldDefinition | undefined, value: unknown): string => {
  const label = (v: unknown) => field?.options?.find((o) => o.value === v)?.label ?? String(v);
  if (Array.isArray(value)) return value.map(label).join(', ');
  return value === undefined || value === null ? '' : label(value);
};

/** Submitted values under their field labels (choices by their labels). */
export const valuesList = (fields: FieldDefinition[], values: Record<string, unknown>): SafeHtml => {
  const known = new Map(fields.map((f) => [f.name, f]));
  const names = [
    ...fields.map((f) => f.name).filter((n) => n in values),
    ...Object.keys(values).filter((n) => !known.has(n)),
  ];
  return html`<dl>${names.map((name) => html`<dt>${known.get(name)?.label ?? name}</dt><dd>${valueText(known.get(name), values[name])}</dd>`)}</dl>`;
};

const fieldError = (errors: readonly { field: string; message: string }[], field: string) => {
  const error = errors.find((e) => e.field === field);
  return error ? html`<p class="field-error" id="galat-${field}">${error.message}</p>` : '';
};

/** The confirmation page of a link that can still decide; with errors, what was posted is kept. */
export const decisionPage = (
  view: Extract<LinkView, { kind: 'open' }>,
  posted: DecisionInput = {},
  errors: readonly { field: string; message: string }[] = [],
): string => {
  const { request, stage, seat } = view;
  const choice = (value: string, label: string) =>
    html`<label><input type="radio" name="decision" value="${value}"${posted.decision === value ? html` checked` : ''} required> ${label}</label>`;
  return page({
    title: `Keputusan: ${request.formTitle}`,
    style: STYLE,
    body: html`<h1>Mohon keputusan Anda</h1>
${errors.length > 0 ? html`<div class="errors" role="alert"><p>Keputusan belum tercatat: ${errors.map((e) => e.message).join(' ')}</p></div>` : ''}
<p>Yth. ${seat.name}${seat.delegatedFrom ? html` (delegasi dari ${seat.delegatedFrom})` : ''}, pengajuan berikut menunggu keputusan Anda pada tahap <strong>${stage.name}</strong> (putaran ${stage.round}; diperlukan persetujuan ${ruleText(stage.rule, stage.seats.length)}).</p>
<dl>
<dt>Formulir</dt><dd>${request.formTitle}</dd>
<dt>Nomor pengajuan</dt><dd>${request.id}</dd>
<dt>Kantor pengaju</dt><dd>${request.officeCode}</dd>
${request.requesterName ? html`<dt>Diajukan oleh</dt><dd>${request.requesterName}</dd>` : ''}
${stage.deadlineAt ? html`<dt>Batas waktu</dt><dd>${wibDateTime(stage.deadlineAt)}</dd>` : ''}
</dl>
<h2>Isi pengajuan</h2>
${valuesList(view.fields, request.values)}
<form method="post">
<fieldset><legend>Keputusan</legend>
${fieldError(errors, 'decision')}
${choice('approve', 'Setujui')}
${choice('reject', 'Tolak')}
${view.canRequestChanges ? choice('changes', 'Minta perbaikan') : ''}
${view.canDelegate ? choice('delegate', 'Delegasikan kepada pegawai lain') : ''}
</fieldset>
<label for="comment">Catatan (wajib untuk tolak dan minta perbaikan)</label>
${fieldError(errors, 'comment')}
<textarea id="comment" name="comment" rows="4" maxlength="5000">${posted.comment ?? ''}</textarea>
${
  view.canDelegate
    ? html`<label for="delegateTo">Email penerima delegasi (hanya untuk delegasi)</label>
${fieldError(errors, 'delegateTo')}
<input type="email" id="delegateTo" name="delegateTo" value="${posted.delegateTo ?? ''}" autocomplete="off">`
    : ''
}
<button type="submit">Kirim keputusan</button>
</form>
<p>Membuka halaman ini tidak mengubah apa pun. Keputusan tercatat setelah Anda menekan tombol, dan hanya sekali.</p>`,
  });
};

const NOTICES: Record<Exclude<LinkView['kind'], 'open'>, { title: string; text: string }> = {
  unknown: {
    title: 'Tautan tidak dikenal',
    text: 'Periksa kembali tautan dari email Anda; tautan harus disalin utuh.',
  },
  used: {
    title: 'Tautan sudah dipakai',
    text: 'Keputusan melalui tautan ini sudah tercatat. Setiap tautan hanya dapat dipakai sekali.',
  },
  decided: { title: 'Keputusan sudah tercatat', text: 'Keputusan Anda untuk tahap ini sudah tercatat sebelumnya.' },
  finished: {
    title: 'Pengajuan sudah selesai',
    text: 'Pengajuan ini sudah diputuskan; tidak ada lagi yang perlu Anda lakukan.',
  },
  expired: { title: 'Tautan sudah kedaluwarsa', text: 'Batas waktu keputusan untuk tautan ini sudah lewat.' },
  superseded: {
    title: 'Tautan tidak berlaku lagi',
    text: 'Tahap ini sudah ditutup, dialihkan, atau pengajuan sudah diajukan ulang dengan tautan baru.',
  },
  withdrawn: {
    title: 'Pengajuan sudah ditarik',
    text: 'Pengaju telah menarik pengajuan ini; tidak ada keputusan yang diperlukan.',
  },
};

const USED_FOR: Record<string, string> = {
  approve: 'setujui',
  reject: 'tolak',
  changes: 'minta perbaikan',
};

/**
 * What a used link says. A POST sent again after an error whose end the approver never saw (the connection cut after
 * the decision was stored) lands here: it tells the decision stands, and which one, so the approver does not take the
 * 409 for a failure.
 */
const usedNotice = (view: Extract<LinkView, { kind: 'used' }>): { title: string; text: string } => {
  if (view.usedFor === 'delegate') {
    return {
      title: 'Keputusan sudah didelegasikan',
      text: `Tautan ini sudah dipakai pada ${wibDateTime(view.at)} untuk mendelegasikan keputusan; penerima delegasi menerima tautan sendiri melalui email.`,
    };
  }
  if (view.usedFor) {
    return {
      title: 'Keputusan Anda sudah tercatat',
      text: `Keputusan melalui tautan ini sudah tercatat pada ${wibDateTime(view.at)}: ${USED_FOR[view.usedFor]}. Tidak perlu mengirim lagi; setiap tautan hanya dapat dipakai sekali.`,
    };
  }
  return NOTICES.used;
};

/**
 * The page of a link that cannot decide (any more). What a used link decided is told to the POST sent again only
 * (`told: 'decision'`): a GET may come from a forwarded mail or a mail scanner.
 */
export const linkNoticePage = (
  view: Exclude<LinkView, { kind: 'open' }>,
  told: 'decision' | 'state' = 'decision',
): string => {
  const { title, text } =
    view.kind === 'used' ? (told === 'decision' ? usedNotice(view) : NOTICES.used) : NOTICES[view.kind];
  return page({ title, body: html`<h1>${title}</h1><p>${text}</p>` });
};

const DECIDED: Record<string, string> = {
  approve: 'Persetujuan Anda telah tercatat.',
  reject: 'Penolakan Anda telah tercatat.',
  changes: 'Permintaan perbaikan Anda telah tercatat; pengaju akan diberi tahu.',
};

/** The page after a recorded decision or delegation. */
export const decidedPage = (result: Extract<DecisionResult, { kind: 'recorded' | 'delegated' }>): string =>
  page({
    title: 'Keputusan tercatat',
    body: html`<h1>Terima kasih</h1><p>${
      result.kind === 'delegated'
        ? `Keputusan didelegasikan kepada ${result.to}; beliau menerima tautan sendiri melalui email.`
        : DECIDED[result.decision]
    }</p>`,
  });

const STATUS: Record<string, string> = {
  submitted: 'Diajukan',
  in_approval: 'Dalam persetujuan',
  approved: 'Disetujui',
  rejected: 'Ditolak',
  changes_requested: 'Perlu perbaikan',
  withdrawn: 'Ditarik',
  open: 'Menunggu keputusan',
  skipped: 'Dilewati',
};
const VOTE: Record<string, string> = { approve: 'setuju', reject: 'tolak', changes: 'minta perbaikan' };
const EVENT: Record<string, string> = {
  submitted: 'Diajukan',
  'stage-started': 'Tahap dimulai',
  'stage-skipped': 'Tahap dilewati',
  emailed: 'Email permintaan dikirim',
  reminded: 'Pengingat dikirim',
  escalated: 'Dialihkan karena batas waktu',
  decided: 'Keputusan',
  delegated: 'Didelegasikan',
  'stage-closed': 'Tahap ditutup',
  'changes-requested': 'Perbaikan diminta',
  resubmitted: 'Diajukan ulang',
  withdrawn: 'Ditarik',
  completed: 'Selesai',
};

/** A request's status in words. */
export const statusText = (status: string): string => STATUS[status] ?? status;

/** Stages round by round with each seat's decision, then the audit trail (the status page and the staff console). */
export const progressTables = (progress: {
  stages: z.infer<typeof StageView>[];
  audit: z.infer<typeof AuditEntry>[];
}): SafeHtml => html`<h2>Tahap</h2>
<table><thead><tr><th>Putaran</th><th>Tahap</th><th>Status</th><th>Penyetuju</th></tr></thead><tbody>
${progress.stages.map(
  (s) =>
    html`<tr><td>${s.round}</td><td>${s.name}${s.escalated ? ' (dialihkan)' : ''}</td><td>${STATUS[s.status] ?? s.status}${s.reason ? html`<br>${s.reason}` : ''}</td><td>${s.seats.map(
      (seat) =>
        html`${seat.name}${seat.delegatedFrom ? ` (delegasi dari ${seat.delegatedFrom})` : ''}: ${seat.vote ? VOTE[seat.vote] : 'belum'}<br>`,
    )}</td></tr>`,
)}
</tbody></table>
<h2>Riwayat</h2>
<table><thead><tr><th>Waktu</th><th>Peristiwa</th><th>Oleh</th><th>Keterangan</th></tr></thead><tbody>
${progress.audit.map(
  (e) =>
    html`<tr><td>${wibDateTime(e.at)}</td><td>${EVENT[e.event] ?? e.event}${e.stage ? html`<br>${e.stage}` : ''}</td><td>${e.actor ?? ''}</td><td>${e.decision ? html`${VOTE[e.decision] ?? STATUS[e.decision] ?? e.decision}<br>` : ''}${e.comment ? html`“${e.comment}”<br>` : ''}${e.detail ?? ''}</td></tr>`,
)}
</tbody></table>`;

/** The requester's status page: stages round by round with each seat's decision, then the audit trail. */
export const statusPage = (
  request: { id: string; formTitle: string; officeCode: string; status: string },
  progress: { stages: z.infer<typeof StageView>[]; audit: z.infer<typeof AuditEntry>[] },
): string =>
  page({
    title: `Status pengajuan ${request.formTitle}`,
    style: STYLE,
    privacyLink: false,
    body: html`<h1>${request.formTitle}</h1>
<dl><dt>Nomor</dt><dd>${request.id}</dd><dt>Kantor</dt><dd>${request.officeCode}</dd><dt>Status</dt><dd><strong>${STATUS[request.status] ?? request.status}</strong></dd></dl>
${progressTables(progress)}`,
  });
