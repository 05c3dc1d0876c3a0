import type { Caller } from '#shared/http/auth';
import { html } from '#shared/pages/html';
import type { RegistrationView, TrainingView } from '#shared/registrations/contracts';
import { POSITION_LEVELS, SECTORS } from '#shared/registrations/contracts';
import { dateText } from '#shared/registrations/trainings';
import type { InboxEntry } from '#shared/workflow/inbox';
import { wibDateTime } from '#shared/workflow/state';
import type * as z from '#shared/zod';
import { consolePage, csrfField, errorSummary, fieldError, table } from './layout.ts';

/** The console's pages for the approvers' inbox and for trainings (nominations, seats, attendance). */

type Training = z.infer<typeof TrainingView>;
type Registration = z.infer<typeof RegistrationView>;

const STATUS: Record<Registration['status'], string> = {
  pending: 'Dalam persetujuan',
  confirmed: 'Terdaftar',
  waitlisted: 'Daftar tunggu',
  rejected: 'Tidak disetujui',
  withdrawn: 'Ditarik',
  cancelled: 'Dibatalkan',
};
const TRAINING_STATUS: Record<Training['status'], string> = { draft: 'Draf', published: 'Dibuka', closed: 'Ditutup' };

/** The inbox: checkboxes per request, one decision and comment for the checked ones. */
export const inboxPage = (
  caller: Caller,
  entries: readonly InboxEntry[],
  trainings: readonly Training[],
  filter: { trainingId?: string; batch?: number },
  csrf: string,
  state: { notice?: string; errors?: Map<string, string>; checked?: readonly string[]; comment?: string } = {},
): string => {
  const errors = state.errors ?? new Map<string, string>();
  const selected = trainings.find((t) => t.id === filter.trainingId);
  const value = (e: InboxEntry) => `${e.submissionId}:${e.round}:${e.stageIndex}:${e.seat}`;
  return consolePage({
    title: 'Kotak masuk',
    caller,
    notice: state.notice,
    body: html`<form method="get" class="filters" aria-label="Saring">
<div><label for="pelatihan">Pelatihan</label><select id="pelatihan" name="pelatihan"><option value="">Semua</option>${trainings.map(
      (t) => html`<option value="${t.id}"${t.id === filter.trainingId ? html` selected` : ''}>${t.title}</option>`,
    )}</select></div>
<div><label for="angkatan">Angkatan</label><select id="angkatan" name="angkatan"><option value="">Semua</option>${(
      selected?.batches ?? []
    ).map(
      (b) => html`<option value="${b.batch}"${b.batch === filter.batch ? html` selected` : ''}>${b.name}</option>`,
    )}</select></div>
<div><button type="submit" class="secondary">Saring</button></div></form>
<p>${entries.length} permintaan menunggu keputusan Anda.</p>
${errorSummary(errors)}
<form method="post">${csrfField(csrf)}
${fieldError(errors, 'items')}
${table(
  ['Pilih', 'Formulir', 'Tahap', 'Kantor', 'Angkatan', 'Sejak', 'Batas waktu', ''],
  entries.map(
    (e) =>
      html`<tr><td><input type="checkbox" name="items" value="${value(e)}" aria-label="Pilih ${e.submissionId}"${
        state.checked?.includes(value(e)) ? html` checked` : ''
      }></td><td>${e.formTitle}</td><td>${e.stageName}</td><td>${e.officeCode}</td><td>${e.batch ?? '—'}</td><td>${wibDateTime(
        e.openedAt,
      )}</td><td>${e.deadlineAt ? wibDateTime(e.deadlineAt) : '—'}</td><td><a href="/konsol/pengajuan/${e.submissionId}">Lihat</a></td></tr>`,
  ),
  'Tidak ada permintaan yang menunggu keputusan Anda.',
)}
<fieldset><legend>Keputusan untuk yang dipilih</legend>
${fieldError(errors, 'keputusan')}
<label><input type="radio" name="keputusan" value="approve" required> Setujui</label>
<label><input type="radio" name="keputusan" value="reject"> Tolak</label>
</fieldset>
<label for="catatan">Catatan (wajib untuk penolakan)</label>
${fieldError(errors, 'catatan')}
<textarea id="catatan" name="catatan" rows="3" maxlength="5000">${state.comment ?? ''}</textarea>
<button type="submit">Kirim keputusan</button>
</form>`,
  });
};

const seatsLine = (b: Training['batches'][number]) =>
  `${b.seatsTaken} dari ${b.capacity} kursi terisi, ${b.waitlistLength} dalam daftar tunggu`;

/** Trainings: open ones for everyone; admins see every status and create new ones. */
export const trainingsPage = (
  caller: Caller,
  trainings: readonly Training[],
  csrf: string,
  state: { notice?: string; errors?: Map<string, string>; posted?: Record<string, string | string[]> } = {},
): string => {
  const admin = caller.groups.includes('admin');
  const errors = state.errors ?? new Map<string, string>();
  const posted = (name: string) => {
    const v = state.posted?.[name];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  const checked = (name: string, value: string) => {
    const v = state.posted?.[name];
    return (Array.isArray(v) ? v : v ? [v] : []).includes(value) ? html` checked` : '';
  };
  const input = (name: string, label: string, type = 'text', help = '') =>
    html`<label for="${name}">${label}</label>${help ? html`<p class="help">${help}</p>` : ''}${fieldError(errors, name)}<input type="${type}" id="${name}" name="${name}" value="${posted(name)}"${errors.has(name) ? html` aria-invalid="true"` : ''}>`;
  return consolePage({
    title: 'Pelatihan',
    caller,
    notice: state.notice,
    body: html`${table(
      ['Pelatihan', 'Status', 'Angkatan', ''],
      trainings.map(
        (t) =>
          html`<tr><td>${t.title}</td><td>${TRAINING_STATUS[t.status]}</td><td>${t.batches.map(
            (b) => html`${b.name}: ${seatsLine(b)}${b.registrationOpen ? ' · pendaftaran dibuka' : ''}<br>`,
          )}</td><td><a href="/konsol/pelatihan/${t.id}">Buka</a>${
            t.status === 'published' && caller.groups.includes('operator')
              ? html` · <a href="/konsol/formulir/${t.formId}">Usulkan peserta</a>`
              : ''
          }</td></tr>`,
      ),
      'Belum ada pelatihan.',
    )}
${
  admin
    ? html`<h2>Pelatihan baru</h2>
${errorSummary(errors)}
<form method="post">${csrfField(csrf)}
${input('judul', 'Judul')}
${input('deskripsi', 'Deskripsi')}
<fieldset><legend>Sektor yang boleh</legend>${fieldError(errors, 'sektor')}${SECTORS.map(
        (s) =>
          html`<label><input type="checkbox" name="sektor" value="${s.value}"${checked('sektor', s.value)}> ${s.label}</label>`,
      )}</fieldset>
<fieldset><legend>Jenjang jabatan yang boleh</legend>${fieldError(errors, 'jenjang')}${POSITION_LEVELS.map(
        (l) =>
          html`<label><input type="checkbox" name="jenjang" value="${l.value}"${checked('jenjang', l.value)}> ${l.label}</label>`,
      )}</fieldset>
${input('jenisKantor', 'Jenis kantor yang boleh', 'text', 'Dipisah koma, mis. dinas, puskesmas, kecamatan')}
<h3>Angkatan I</h3>
${input('namaAngkatan', 'Nama angkatan')}
${input('kapasitas', 'Kapasitas', 'number')}
${input('hariSesi', 'Hari sesi', 'text', 'Tanggal TTTT-BB-HH dipisah koma, berurutan')}
${input('tempat', 'Tempat')}
${input('dibawa', 'Yang perlu dibawa')}
${input('dibuka', 'Pendaftaran dibuka', 'date')}
${input('ditutup', 'Pendaftaran ditutup', 'date')}
<button type="submit">Buat pelatihan (draf)</button>
</form>`
    : ''
}`,
  });
};

/** One training: batches; the office's nominations; for admins, participants, waitlist and the management forms. */
export const trainingPage = (
  caller: Caller,
  training: Training,
  registrations: readonly Registration[],
  batchLists: readonly { batch: number; participants: readonly Registration[]; waitlist: readonly Registration[] }[],
  csrf: string,
  state: { notice?: string; errors?: Map<string, string> } = {},
): string => {
  const admin = caller.groups.includes('admin');
  const errors = state.errors ?? new Map<string, string>();
  const cancel = (r: Registration) =>
    r.status === 'confirmed' || r.status === 'waitlisted'
      ? html`<form method="post">${csrfField(csrf)}<input type="hidden" name="aksi" value="batalkan"><input type="hidden" name="pendaftaran" value="${r.submissionId}"><button type="submit" class="danger">Batalkan</button></form>`
      : '';
  const rows = (list: readonly Registration[]) =>
    list.map(
      (r) =>
        html`<tr><td>${r.name}</td><td>${r.nip}</td><td>${r.officeCode}</td><td>${STATUS[r.status]}${
          r.seatNo ? ` · kursi ${r.seatNo}` : ''
        }${r.waitlistPosition ? ` · urutan ${r.waitlistPosition}` : ''}</td><td>${r.attendedDays}${
          r.certificateEligible ? ' · layak sertifikat' : ''
        }</td><td>${cancel(r)}</td></tr>`,
    );
  const head = ['Nama', 'NIP', 'Kantor', 'Status', 'Hadir', ''];
  return consolePage({
    title: training.title,
    caller,
    notice: state.notice,
    body: html`<p>${training.description ?? ''}</p>
<dl><dt>Status</dt><dd>${TRAINING_STATUS[training.status]}</dd><dt>Penyelenggara</dt><dd>${training.organiser}</dd>
<dt>Sektor</dt><dd>${training.eligibility.sectors.join(', ')}</dd><dt>Jenjang</dt><dd>${training.eligibility.levels.join(', ')}</dd></dl>
${errorSummary(errors)}
${training.batches.map(
  (b) => html`<section><h2>${b.name}</h2>
<p>${b.sessionDays.map(dateText).join(', ')} · ${b.venue} · ${seatsLine(b)}. Pendaftaran ${b.registrationOpens} s.d. ${b.registrationCloses} (WIB).</p>
${
  admin
    ? html`<p><a href="/trainings/${training.id}/batches/${b.batch}/participants?format=csv">Unduh peserta (CSV)</a></p>
<form method="post" class="filters">${csrfField(csrf)}<input type="hidden" name="aksi" value="kapasitas"><input type="hidden" name="angkatan" value="${b.batch}">
<div><label for="kapasitas-${b.batch}">Kapasitas</label>${fieldError(errors, `kapasitas-${b.batch}`)}<input type="number" id="kapasitas-${b.batch}" name="kapasitas" value="${b.capacity}" min="1"></div>
<div><button type="submit" class="secondary">Ubah kapasitas</button></div></form>
<form method="post">${csrfField(csrf)}<input type="hidden" name="aksi" value="hadir"><input type="hidden" name="angkatan" value="${b.batch}">
<label for="tanggal-${b.batch}">Catat kehadiran: hari sesi</label>${fieldError(errors, `hadir-${b.batch}`)}
<select id="tanggal-${b.batch}" name="tanggal">${b.sessionDays.map((d) => html`<option value="${d}">${dateText(d)}</option>`)}</select>
<label for="nip-${b.batch}">NIP yang hadir (satu per baris)</label><textarea id="nip-${b.batch}" name="nip" rows="4"></textarea>
<button type="submit" class="secondary">Simpan kehadiran</button></form>
<h3>Peserta</h3>${table(head, rows(batchLists.find((l) => l.batch === b.batch)?.participants ?? []), 'Belum ada peserta.')}
<h3>Daftar tunggu</h3>${table(head, rows(batchLists.find((l) => l.batch === b.batch)?.waitlist ?? []), 'Daftar tunggu kosong.')}`
    : ''
}
</section>`,
)}
<h2>Usulan kantor ${admin ? '(semua)' : caller.officeCode}</h2>
${table(head, rows(registrations), 'Belum ada usulan.')}
${
  admin
    ? html`<form method="post">${csrfField(csrf)}<input type="hidden" name="aksi" value="status">
<input type="hidden" name="status" value="${training.status === 'published' ? 'closed' : 'published'}">
<button type="submit" class="secondary">${training.status === 'published' ? 'Tutup pendaftaran' : 'Buka pendaftaran'}</button></form>`
    : ''
}`,
  });
};
