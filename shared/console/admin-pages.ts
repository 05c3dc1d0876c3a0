import { PEOPLE_COLUMNS_DOC, UNIT_COLUMNS_DOC } from '#shared/directory/import-format';
import type { Position, StoredPerson, Unit } from '#shared/directory/schemas';
import type { FormDetail, FormSummary } from '#shared/forms/contracts';
import type { FieldDefinition } from '#shared/forms/definition';
import type { Caller } from '#shared/http/auth';
import type { MailSummary } from '#shared/mail/admin';
import { html, type SafeHtml } from '#shared/pages/html';
import type { StaffMember } from '#shared/staff/members';
import type { WorkflowDetail, WorkflowSummary } from '#shared/workflow/contracts';
import type { ApproverSource, WorkflowDefinition } from '#shared/workflow/definition';
import { wibDateTime } from '#shared/workflow/state';
import type * as z from '#shared/zod';
import { formFields } from './fields.ts';
import { consolePage, csrfField, errorSummary, fieldError, table } from './layout.ts';

/** The admins' pages: forms, workflow definitions, the directory, staff accounts, failed mail. */

type Form = z.infer<typeof FormDetail>;
type Workflow = z.infer<typeof WorkflowDetail>;
type Errors = Map<string, string>;
const none: Errors = new Map();

const FORM_STATUS: Record<string, string> = { draft: 'Draf', published: 'Diterbitkan', archived: 'Diarsipkan' };

/** Errors of a JSON textarea: each zod issue with the path inside the JSON, under the textarea. */
const jsonErrors = (errors: Errors, prefix: string): SafeHtml | '' => {
  const own = [...errors].filter(([field]) => field === prefix || field.startsWith(`${prefix}.`));
  return own.length === 0
    ? ''
    : html`<ul class="errors" id="galat-${prefix}">${own.map(
        ([field, message]) => html`<li><code>${field === prefix ? prefix : field}</code>: ${message}</li>`,
      )}</ul>`;
};

export const EXAMPLE_FIELDS: FieldDefinition[] = [
  { name: 'nama', label: 'Nama lengkap', type: 'text', required: true, minLength: 3 },
  { name: 'nip', label: 'NIP', type: 'nip', required: true },
  { name: 'catatan', label: 'Catatan', type: 'longtext', required: false },
];

const FIELD_HELP = html`<p class="help">Kolom sebagai JSON: daftar objek dengan <code>name</code> (huruf kecil, angka, garis bawah),
<code>label</code>, <code>type</code> (text, longtext, number, date, select, multiselect, email, phone, nip), <code>required</code>,
dan bila perlu <code>help</code>, <code>min</code>, <code>max</code>, <code>minLength</code>, <code>maxLength</code>, <code>pattern</code>,
<code>options</code> (untuk select dan multiselect: <code>[{"value":"a","label":"A"}]</code>).</p>`;

/** Every form by status, and the form to create one. */
export const adminFormsPage = (
  caller: Caller,
  forms: readonly z.infer<typeof FormSummary>[],
  csrf: string,
  posted: { title?: string; description?: string; fields?: string } = {},
  errors: Errors = none,
): string =>
  consolePage({
    title: 'Kelola formulir',
    caller,
    body: html`${table(
      ['Formulir', 'Status', 'Versi terbaru', 'Versi terbit', 'Diubah'],
      forms.map(
        (f) =>
          html`<tr><td><a href="/konsol/admin/formulir/${f.id}">${f.title}</a></td><td>${FORM_STATUS[f.status] ?? f.status}</td><td>${f.latestVersion}</td><td>${f.publishedVersion ?? '—'}</td><td>${wibDateTime(f.updatedAt)}</td></tr>`,
      ),
      'Belum ada formulir.',
    )}
<h2 id="baru">Formulir baru</h2>
${errorSummary(errors, 'Formulir belum dibuat: periksa isian yang ditandai.')}
<form method="post" action="/konsol/admin/formulir" novalidate>
${csrfField(csrf)}
<label for="judul">Judul *</label>${fieldError(errors, 'title')}
<input type="text" id="judul" name="judul" value="${posted.title ?? ''}" required maxlength="200">
<label for="keterangan">Keterangan</label>${fieldError(errors, 'description')}
<textarea id="keterangan" name="keterangan" rows="2">${posted.description ?? ''}</textarea>
<label for="kolom">Kolom *</label>${FIELD_HELP}${jsonErrors(errors, 'fields')}
<textarea id="kolom" name="kolom" class="code" rows="14">${posted.fields ?? JSON.stringify(EXAMPLE_FIELDS, null, 2)}</textarea>
<button type="submit">Buat formulir (draf)</button>
</form>`,
  });

/** A form: its state, a preview of a version as operators will see it, and what an admin can do with it. */
export const adminFormPage = (
  caller: Caller,
  form: Form,
  workflows: readonly z.infer<typeof WorkflowSummary>[],
  attached: string | undefined,
  csrf: string,
  options: { notice?: string; posted?: { fields?: string }; errors?: Errors } = {},
): string => {
  const errors = options.errors ?? none;
  const versions = Array.from({ length: form.latestVersion }, (_, i) => i + 1);
  const archived = form.status === 'archived';
  const action = (aksi: string, inner: SafeHtml, button: string, kind = '') =>
    html`<form method="post" action="/konsol/admin/formulir/${form.id}">${csrfField(csrf)}<input type="hidden" name="aksi" value="${aksi}"><input type="hidden" name="expectedVersion" value="${form.version}">${inner}<button type="submit"${kind ? html` class="${kind}"` : ''}>${button}</button></form>`;
  return consolePage({
    title: form.title,
    caller,
    notice: options.notice,
    body: html`<dl>
<dt>Status</dt><dd data-status="${form.status}">${FORM_STATUS[form.status] ?? form.status}</dd>
<dt>Versi terbaru</dt><dd>${form.latestVersion}</dd>
<dt>Versi terbit</dt><dd>${form.publishedVersion ?? 'belum ada'}</dd>
<dt>Alur persetujuan</dt><dd>${attached ? html`<a href="/konsol/admin/alur/${attached}">${workflows.find((w) => w.id === attached)?.name ?? attached}</a>` : 'tanpa alur'}</dd>
</dl>
<h2>Pratinjau versi ${form.fieldsVersion}</h2>
<p>Versi: ${versions.map((v) => html`<a href="/konsol/admin/formulir/${form.id}?versi=${v}"${v === form.fieldsVersion ? html` aria-current="page"` : ''}>${v}</a> `)}</p>
<div class="preview" aria-label="Pratinjau formulir"><fieldset disabled><legend>${form.title}</legend>${form.description ? html`<p>${form.description}</p>` : ''}${formFields(form.fields, {}, none, true)}</fieldset></div>
${
  archived
    ? html`<p>Formulir ini sudah diarsipkan: tidak menerima pengajuan baru.</p>`
    : html`<h2>Terbitkan atau arsipkan</h2>
${action(
  'terbitkan',
  html`<label for="versi">Versi yang diterbitkan</label><select id="versi" name="versi">${versions.map(
    (v) => html`<option value="${v}"${v === form.fieldsVersion ? html` selected` : ''}>${v}</option>`,
  )}</select>${fieldError(errors, 'version')}`,
  'Terbitkan',
)}
${action('arsipkan', html``, 'Arsipkan formulir', 'danger')}
<h2>Alur persetujuan</h2>
${action(
  'alur',
  html`<label for="alur">Alur untuk pengajuan baru</label><select id="alur" name="workflowId"><option value="">tanpa alur</option>${workflows.map(
    (w) =>
      html`<option value="${w.id}"${w.id === attached ? html` selected` : ''}>${w.name} (versi ${w.latestVersion})</option>`,
  )}</select>`,
  'Simpan alur',
)}
<h2 id="versi-baru">Versi baru</h2>
${errorSummary(errors, 'Versi belum tersimpan: periksa isian yang ditandai.')}
${action(
  'versi',
  html`<label for="kolom">Kolom *</label>${FIELD_HELP}${jsonErrors(errors, 'fields')}
<textarea id="kolom" name="kolom" class="code" rows="14">${options.posted?.fields ?? JSON.stringify(form.fields, null, 2)}</textarea>
<label><input type="checkbox" name="terbitkan" value="ya"> Langsung terbitkan versi ini</label>`,
  'Simpan versi baru',
)}`
}`,
  });
};

export const EXAMPLE_STAGES = [
  {
    name: 'Kepala kantor pengaju',
    approvers: [{ kind: 'head-of-submitting-office' }],
    rule: { kind: 'all' },
    deadlineAfterDays: 5,
    onDeadline: { kind: 'auto-reject' },
  },
];

const approverText = (a: ApproverSource): string => {
  switch (a.kind) {
    case 'person':
      return `orang ${a.personId}`;
    case 'head-of-submitting-office':
      return 'kepala kantor pengaju';
    case 'head-of-unit':
      return `kepala ${a.unitCode}`;
    case 'admins-of-office':
      return `admin ${a.officeCode}`;
  }
};

const STAGES_HELP = html`<p class="help">Tahap sebagai JSON: daftar objek dengan <code>name</code>, <code>approvers</code>
(<code>{"kind":"head-of-submitting-office"}</code>, <code>{"kind":"head-of-unit","unitCode":"BKPSDM"}</code>,
<code>{"kind":"admins-of-office","officeCode":"BKPSDM"}</code>, <code>{"kind":"person","personId":"…"}</code>),
<code>rule</code> (<code>all</code>, <code>any</code>, <code>{"kind":"quorum","k":2}</code>), <code>deadlineAfterDays</code>,
<code>onDeadline</code> (<code>auto-reject</code> atau <code>{"kind":"escalate","to":{…}}</code>), dan bila perlu
<code>reminderAfterDays</code> dan <code>condition</code>. Hari dihitung hari kerja WIB.</p>`;

type DefinitionPost = { name?: string; stages?: string; restartFrom?: string; within?: string; rounds?: string };

const definitionFields = (posted: DefinitionPost, errors: Errors) => html`
<label for="nama">Nama *</label>${fieldError(errors, 'name')}
<input type="text" id="nama" name="nama" value="${posted.name ?? ''}" required maxlength="200">
<label for="tahap">Tahap *</label>${STAGES_HELP}${jsonErrors(errors, 'stages')}
<textarea id="tahap" name="tahap" class="code" rows="16">${posted.stages ?? JSON.stringify(EXAMPLE_STAGES, null, 2)}</textarea>
<label for="ulang">Setelah perbaikan, mulai lagi dari</label>${fieldError(errors, 'restartFrom')}
<select id="ulang" name="mulaiDari"><option value="first"${posted.restartFrom !== 'current' ? html` selected` : ''}>tahap pertama</option><option value="current"${posted.restartFrom === 'current' ? html` selected` : ''}>tahap yang meminta perbaikan</option></select>
<label for="dalam">Batas perbaikan (hari kerja)</label>${fieldError(errors, 'resubmitWithinDays')}
<input type="number" id="dalam" name="batasPerbaikan" value="${posted.within ?? '10'}" min="1" max="60">
<label for="putaran">Putaran paling banyak</label>${fieldError(errors, 'maxRounds')}
<input type="number" id="putaran" name="putaran" value="${posted.rounds ?? '3'}" min="1" max="10">`;

/** The posted form fields of a definition, for showing it again. */
export const definitionPosted = (d: WorkflowDefinition): DefinitionPost => ({
  name: d.name,
  stages: JSON.stringify(d.stages, null, 2),
  restartFrom: d.restartFrom,
  within: String(d.resubmitWithinDays),
  rounds: String(d.maxRounds),
});

/** The definitions, and the form to create one. */
export const adminWorkflowsPage = (
  caller: Caller,
  workflows: readonly z.infer<typeof WorkflowSummary>[],
  csrf: string,
  posted: DefinitionPost = {},
  errors: Errors = none,
): string =>
  consolePage({
    title: 'Alur persetujuan',
    caller,
    body: html`${table(
      ['Alur', 'Versi terbaru', 'Diubah'],
      workflows.map(
        (w) =>
          html`<tr><td><a href="/konsol/admin/alur/${w.id}">${w.name}</a></td><td>${w.latestVersion}</td><td>${wibDateTime(w.updatedAt)}</td></tr>`,
      ),
      'Belum ada alur.',
    )}
<h2 id="baru">Alur baru</h2>
${errorSummary(errors, 'Alur belum dibuat: periksa isian yang ditandai.')}
<form method="post" action="/konsol/admin/alur" novalidate>${csrfField(csrf)}${definitionFields(posted, errors)}
<button type="submit">Buat alur</button></form>`,
  });

/** A definition version's stages, and the form for the next version. */
export const adminWorkflowPage = (
  caller: Caller,
  workflow: Workflow,
  csrf: string,
  options: { notice?: string; posted?: DefinitionPost; errors?: Errors } = {},
): string => {
  const d = workflow.definition;
  const versions = Array.from({ length: workflow.latestVersion }, (_, i) => i + 1);
  return consolePage({
    title: workflow.name,
    caller,
    notice: options.notice,
    body: html`<p>Versi: ${versions.map((v) => html`<a href="/konsol/admin/alur/${workflow.id}?versi=${v}"${v === workflow.definitionVersion ? html` aria-current="page"` : ''}>${v}</a> `)}
(ditampilkan: versi ${workflow.definitionVersion}; pengajuan baru memakai versi ${workflow.latestVersion})</p>
${table(
  ['Tahap', 'Penyetuju', 'Aturan', 'Tenggat', 'Syarat'],
  d.stages.map(
    (s) =>
      html`<tr><td>${s.name}</td><td>${s.approvers.map(approverText).join(', ')}</td><td>${s.rule.kind === 'quorum' ? `kuorum ${s.rule.k}` : s.rule.kind === 'all' ? 'semua' : 'salah satu'}</td><td>${s.deadlineAfterDays} hari kerja; ${s.onDeadline.kind === 'auto-reject' ? 'tolak otomatis' : `alihkan ke ${approverText(s.onDeadline.to)}`}</td><td>${s.condition ? `${s.condition.field} ${s.condition.op} ${s.condition.value ?? ''}` : '—'}</td></tr>`,
  ),
)}
<p>Setelah perbaikan mulai dari ${d.restartFrom === 'first' ? 'tahap pertama' : 'tahap yang meminta perbaikan'}; batas perbaikan ${d.resubmitWithinDays} hari kerja; paling banyak ${d.maxRounds} putaran.</p>
<h2 id="versi-baru">Versi baru</h2>
${errorSummary(options.errors ?? none, 'Versi belum tersimpan: periksa isian yang ditandai.')}
<form method="post" action="/konsol/admin/alur/${workflow.id}" novalidate>${csrfField(csrf)}
<input type="hidden" name="expectedVersion" value="${workflow.version}">
${definitionFields(options.posted ?? definitionPosted(d), options.errors ?? none)}
<button type="submit">Simpan versi baru</button></form>`,
  });
};

interface TreeNode {
  unit: Unit;
  children: TreeNode[];
}

const treeOf = (units: readonly Unit[]): TreeNode[] => {
  const nodes = new Map(units.map((unit) => [unit.code, { unit, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parentCode ? nodes.get(node.unit.parentCode) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byName = (a: TreeNode, b: TreeNode) => a.unit.name.localeCompare(b.unit.name, 'id');
  for (const node of nodes.values()) node.children.sort(byName);
  return roots.sort(byName);
};

const treeList = (nodes: readonly TreeNode[]): SafeHtml =>
  html`<ul>${nodes.map(
    (n) =>
      html`<li><a href="/konsol/admin/direktori?unit=${n.unit.code}">${n.unit.name}</a> <small>${n.unit.code} · ${n.unit.type}${n.unit.status === 'archived' ? ' · diarsipkan' : ''}</small>${
        n.unit.status === 'active' ? html` · <a href="/s/${n.unit.code}/poster">poster QR</a>` : ''
      }${n.children.length ? treeList(n.children) : ''}</li>`,
  )}</ul>`;

export interface ImportReport {
  kind: 'unit' | 'pegawai';
  csv: string;
  errors?: readonly { row?: number; column?: string; field: string; message: string }[];
  summary?: { rows: number; created: number; updated: number; unchanged: number };
}

const importSection = (csrf: string, report?: ImportReport): SafeHtml => html`<h2 id="impor">Impor CSV</h2>
${
  report?.errors
    ? html`<div class="errors" role="alert"><p>Impor dibatalkan: ${report.errors.length} kesalahan. Tidak ada baris yang ditulis.</p></div>
${table(
  ['Baris', 'Kolom', 'Kesalahan'],
  report.errors.map((e) => html`<tr><td>${e.row ?? '—'}</td><td>${e.column ?? e.field}</td><td>${e.message}</td></tr>`),
)}`
    : ''
}
${
  report?.summary
    ? html`<p class="notice" role="status">Impor selesai: ${report.summary.rows} baris; ${report.summary.created} baru, ${report.summary.updated} diubah, ${report.summary.unchanged} tetap.</p>`
    : ''
}
<form method="post" action="/konsol/admin/direktori" novalidate>${csrfField(csrf)}
<label for="jenis">Isi berkas</label><select id="jenis" name="jenis"><option value="unit"${report?.kind !== 'pegawai' ? html` selected` : ''}>Unit</option><option value="pegawai"${report?.kind === 'pegawai' ? html` selected` : ''}>Pegawai</option></select>
<p class="help">Kolom unit: ${UNIT_COLUMNS_DOC.replaceAll('`', '')}. Kolom pegawai: ${PEOPLE_COLUMNS_DOC.replaceAll('`', '')}. Pemisah koma atau titik koma; baris pertama adalah kepala tabel.</p>
<label for="csv">Isi CSV (tempel dari lembar kerja)</label>
<textarea id="csv" name="csv" class="code" rows="10">${report?.csv ?? ''}</textarea>
<button type="submit">Impor</button></form>`;

/** The unit tree (with each active unit's QR poster) and the import form. */
export const directoryPage = (caller: Caller, units: readonly Unit[], csrf: string, report?: ImportReport): string =>
  consolePage({
    title: 'Direktori',
    caller,
    body: html`<p>${units.length} unit. Pilih unit untuk melihat kepala, Plt./Plh. dan pegawainya; poster QR survei untuk dicetak dan ditempel di loket.</p>
<div class="tree">${treeList(treeOf(units))}</div>
${importSection(csrf, report)}`,
  });

const actingText = (acting: NonNullable<Position['acting']>) =>
  `${acting.kind}. ${acting.name} (${acting.from}${acting.until ? ` s.d. ${acting.until}` : ''})`;

/** One unit: its head position (holder, Plt./Plh.), who approves as its head today, children and people. */
export const unitPage = (
  caller: Caller,
  unit: Unit & {
    children: { code: string; name: string; type: string; status: string }[];
    head?: Position;
    approver?: { person: { name: string }; headOf: string; reason: string };
  },
  people: readonly StoredPerson[],
  candidates: readonly StoredPerson[],
  csrf: string,
  options: { notice?: string; errors?: Errors; posted?: HeadPost } = {},
): string =>
  consolePage({
    title: unit.name,
    caller,
    notice: options.notice,
    body: html`<p><a href="/konsol/admin/direktori">← Direktori</a></p>
<dl><dt>Kode</dt><dd>${unit.code}</dd><dt>Jenis</dt><dd>${unit.type}</dd><dt>Induk</dt><dd>${unit.parentCode ?? '—'}</dd>
<dt>Status</dt><dd>${unit.status === 'active' ? 'aktif' : 'diarsipkan'}</dd>
<dt>${unit.head?.title ?? 'Kepala'}</dt><dd>${unit.head?.holder?.name ?? 'kosong'}</dd>
<dt>Pejabat pelaksana</dt><dd>${unit.head?.acting ? actingText(unit.head.acting) : '—'}</dd>
<dt>Yang menyetujui hari ini</dt><dd>${unit.approver ? `${unit.approver.person.name}${unit.approver.headOf !== unit.code ? ` (kepala ${unit.approver.headOf})` : ''}` : 'tidak ada'}</dd>
${unit.status === 'active' ? html`<dt>Survei</dt><dd><a href="/s/${unit.code}/poster">Poster QR</a> · <a href="/konsol/laporan/${unit.code}">Laporan</a></dd>` : ''}
</dl>
<h2>Unit di bawahnya</h2>
${table(
  ['Unit', 'Kode', 'Jenis'],
  unit.children.map(
    (c) =>
      html`<tr><td><a href="/konsol/admin/direktori?unit=${c.code}">${c.name}</a></td><td>${c.code}</td><td>${c.type}</td></tr>`,
  ),
  'Tidak ada.',
)}
<h2>Pegawai</h2>
${table(
  ['Nama', 'Email', 'Jenis'],
  people.map((p) => html`<tr><td>${p.name}</td><td>${p.email}</td><td>${p.employeeType}</td></tr>`),
  'Tidak ada pegawai tercatat.',
)}
${unit.status === 'active' ? headForm(unit, candidates, csrf, options.errors ?? none, options.posted) : ''}`,
  });

/** What the head form posts, for showing it again. */
export interface HeadPost {
  holderId?: string;
  actingId?: string;
  kind?: string;
  from?: string;
  until?: string;
}

const personOptions = (people: readonly StoredPerson[], chosen: string | undefined, empty: string) =>
  html`<option value="">${empty}</option>${people.map(
    (p) =>
      html`<option value="${p.id}"${p.id === chosen ? html` selected` : ''}>${p.name} (${p.unitCode ?? '—'})</option>`,
  )}`;

/** Who holds the head position and who acts for it (Plt. while vacant, Plh. while the holder is away). */
const headForm = (
  unit: { code: string; head?: Position },
  candidates: readonly StoredPerson[],
  csrf: string,
  errors: Errors,
  posted: HeadPost = {
    holderId: unit.head?.holder?.id,
    actingId: unit.head?.acting?.personId,
    kind: unit.head?.acting?.kind,
    from: unit.head?.acting?.from,
    until: unit.head?.acting?.until,
  },
) => html`<h2 id="kepala">Kepala dan pejabat pelaksana</h2>
${errorSummary(errors, 'Jabatan belum tersimpan: periksa isian yang ditandai.')}
<form method="post" action="/konsol/admin/direktori" novalidate>${csrfField(csrf)}
<input type="hidden" name="aksi" value="kepala"><input type="hidden" name="unit" value="${unit.code}">
<input type="hidden" name="expectedVersion" value="${unit.head?.version ?? 0}">
<label for="pemegang">Pemegang jabatan</label>${fieldError(errors, 'holderId')}
<select id="pemegang" name="pemegang">${personOptions(candidates, posted.holderId, 'kosong (lowong)')}</select>
<label for="pelaksana">Plt./Plh.</label>${fieldError(errors, 'acting.personId')}
<select id="pelaksana" name="pelaksana">${personOptions(candidates, posted.actingId, 'tidak ada')}</select>
<label for="jenisPelaksana">Jenis</label>${fieldError(errors, 'acting.kind')}
<select id="jenisPelaksana" name="jenisPelaksana"><option value="Plt"${posted.kind !== 'Plh' ? html` selected` : ''}>Plt. (jabatan lowong)</option><option value="Plh"${posted.kind === 'Plh' ? html` selected` : ''}>Plh. (pemegang berhalangan sementara)</option></select>
<label for="mulai">Mulai</label>${fieldError(errors, 'acting.from')}
<input type="date" id="mulai" name="mulai" value="${posted.from ?? ''}">
<label for="sampai">Sampai (tidak wajib)</label>${fieldError(errors, 'acting.until')}
<input type="date" id="sampai" name="sampai" value="${posted.until ?? ''}">
<button type="submit">Simpan jabatan</button></form>`;

const ROLE_NAMES: Record<string, string> = { admin: 'admin', operator: 'operator', 'unit-head': 'kepala unit' };

/** Staff accounts, the invitation form, disable and enable. */
export const staffPage = (
  caller: Caller,
  members: readonly StaffMember[],
  csrf: string,
  options: {
    notice?: string;
    next?: string;
    posted?: { email?: string; name?: string; officeCode?: string; groups?: string[] };
    errors?: Errors;
  } = {},
): string => {
  const errors = options.errors ?? none;
  const posted = options.posted ?? {};
  return consolePage({
    title: 'Staf',
    caller,
    notice: options.notice,
    body: html`${table(
      ['Nama', 'Email', 'Kantor', 'Peran', 'Status', ''],
      members.map(
        (m) =>
          html`<tr><td>${m.name}</td><td>${m.email}</td><td>${m.officeCode}</td><td>${m.groups.map((g) => ROLE_NAMES[g] ?? g).join(', ')}</td><td>${m.status === 'active' ? 'aktif' : 'nonaktif'}</td><td>${
            m.sub === caller.sub
              ? ''
              : html`<form method="post" action="/konsol/admin/staf">${csrfField(csrf)}<input type="hidden" name="sub" value="${m.sub}">${
                  m.status === 'active'
                    ? html`<input type="hidden" name="aksi" value="nonaktifkan"><button type="submit" class="danger">Nonaktifkan ${m.name}</button>`
                    : html`<input type="hidden" name="aksi" value="aktifkan"><button type="submit" class="secondary">Aktifkan ${m.name}</button>`
                }</form>`
          }</td></tr>`,
      ),
    )}
${options.next ? html`<p><a href="/konsol/admin/staf?cursor=${options.next}">Halaman berikutnya</a></p>` : ''}
<h2 id="undang">Undang staf</h2>
${errorSummary(errors, 'Undangan belum terkirim: periksa isian yang ditandai.')}
<form method="post" action="/konsol/admin/staf" novalidate>${csrfField(csrf)}<input type="hidden" name="aksi" value="undang">
<label for="email">Email *</label>${fieldError(errors, 'email')}<input type="email" id="email" name="email" value="${posted.email ?? ''}" required>
<label for="nama">Nama *</label>${fieldError(errors, 'name')}<input type="text" id="nama" name="nama" value="${posted.name ?? ''}" required>
<label for="kantor">Kode kantor *</label>${fieldError(errors, 'officeCode')}<input type="text" id="kantor" name="kantor" value="${posted.officeCode ?? ''}" required>
<fieldset><legend>Peran *</legend>${fieldError(errors, 'groups')}${Object.entries(ROLE_NAMES).map(
      ([g, text]) =>
        html`<label><input type="checkbox" name="peran" value="${g}"${posted.groups?.includes(g) ? html` checked` : ''}> ${text}</label>`,
    )}</fieldset>
<button type="submit">Kirim undangan</button></form>`,
  });
};

const MAIL_STATUS: Record<string, string> = { failed: 'gagal', bounced: 'terpental' };

/** Failed and bounced mail (no bodies: they may hold link tokens), each with resend. */
export const mailPage = (caller: Caller, mail: readonly MailSummary[], csrf: string, notice?: string): string =>
  consolePage({
    title: 'Surat gagal',
    caller,
    notice,
    body: html`${table(
      ['Dibuat', 'Kepada', 'Perihal', 'Status', 'Percobaan', 'Galat terakhir', ''],
      mail.map(
        (m) =>
          html`<tr><td>${wibDateTime(m.createdAt)}</td><td>${m.to.join(', ')}</td><td>${m.subject}</td><td>${MAIL_STATUS[m.status] ?? m.status}</td><td>${m.attempts}</td><td>${m.lastError ?? ''}</td><td>${
            m.hasBody
              ? html`<form method="post" action="/konsol/admin/surat">${csrfField(csrf)}<input type="hidden" name="id" value="${m.id}"><button type="submit">Kirim ulang</button></form>`
              : 'isi sudah dihapus'
          }</td></tr>`,
      ),
      'Tidak ada surat yang gagal.',
    )}`,
  });
