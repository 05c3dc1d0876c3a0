import { MessageRejected } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoStaff } from '#shared/directory/demo-seed';
import { deliverAfterCommit, type MailDeps, outboxItem } from '#shared/mail/outbox';
import { consoleHelpers } from '#test/support/console';
import { json } from '#test/support/http';
import { ELEMENTS } from '#test/support/surveys';

/** The staff console through the local runtime: pages as a browser gets them, forms posted as a browser posts them. */

let cloud: LocalCloud;
let webClient: string;
const staff = (sub: string) => demoStaff.find((s) => s.sub === sub)!;
const admin = staff('dev-admin');
const dinkes = staff('dev-operator-dinkes');
const disdik = staff('dev-operator-disdik');
const unitHead = staff('dev-unit-head');
type Staff = (typeof demoStaff)[number];

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'consoletest7', seed: true });
  webClient = cloud.system.functions.find((f) => f.environment.STAFF_WEB_CLIENT_ID)!.environment.STAFF_WEB_CLIENT_ID!;
});

afterAll(async () => {
  await cloud?.stop();
});

const { get, post, csrfOf, submitFrom, visible } = consoleHelpers(() => cloud);

const api = async (who: Staff, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await cloud.token({ sub: who.sub, groups: who.groups })}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return json(response);
};

const everyField = [
  { name: 'nama', label: 'Nama lengkap', type: 'text', required: true, minLength: 3 },
  { name: 'uraian', label: 'Uraian kegiatan', type: 'longtext' },
  { name: 'hari', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 30 },
  { name: 'mulai', label: 'Tanggal mulai', type: 'date', required: true },
  {
    name: 'jenis',
    label: 'Jenis kegiatan',
    type: 'select',
    required: true,
    options: [
      { value: 'rapat', label: 'Rapat' },
      { value: 'pelatihan', label: 'Pelatihan' },
    ],
  },
  {
    name: 'sasaran',
    label: 'Sasaran',
    type: 'multiselect',
    options: [
      { value: 'pns', label: 'PNS' },
      { value: 'pppk', label: 'PPPK' },
    ],
  },
  { name: 'surel', label: 'Email penanggung jawab', type: 'email', required: true },
  { name: 'telepon', label: 'Telepon', type: 'phone' },
  { name: 'nip', label: 'NIP penanggung jawab', type: 'nip', required: true },
];
const goodValues = {
  nama: 'Rapat koordinasi <gizi>',
  uraian: 'Koordinasi posyandu',
  hari: '2',
  mulai: '2026-12-01',
  jenis: 'rapat',
  sasaran: ['pns', 'pppk'],
  surel: 'pj@dinkes.palembang.local',
  telepon: '0812-3456-7890',
  nip: '198001012005011001',
};

const stage = (name: string, approvers: unknown[]) => ({
  name,
  approvers,
  rule: { kind: 'all' },
  deadlineAfterDays: 5,
  onDeadline: { kind: 'auto-reject' },
});

/** A published form with every field type and a one-stage workflow (the Plt. head of DINKES), through the API. */
const publishedForm = async (title: string, withWorkflow = true) => {
  const form = await api(admin, 'POST', '/forms', { title, fields: everyField });
  const published = await api(admin, 'POST', `/forms/${form.id}/status`, {
    action: 'publish',
    version: 1,
    expectedVersion: form.version,
  });
  if (withWorkflow) {
    const workflow = await api(admin, 'POST', '/workflows', {
      name: `Alur ${title}`,
      stages: [stage('Kepala dinas', [{ kind: 'head-of-submitting-office' }])],
    });
    await api(admin, 'PUT', `/forms/${form.id}/workflow`, {
      workflowId: workflow.id,
      expectedVersion: published.version,
    });
  }
  return form as { id: string };
};

/** The newest decision link mailed about a submission. */
const linkFor = async (submissionId: string) => {
  for (let attempt = 0; attempt < 500; attempt++) {
    const link = (await cloud.outbox())
      .filter((m) => m.text?.includes(submissionId))
      .flatMap((m) => m.links)
      .filter((l) => l.includes('/approvals/'))
      .at(-1);
    if (link) return link;
    await cloud.sfn.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no decision link mailed');
};

const decide = async (link: string, fields: Record<string, string>) => {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  expect(response.status).toBe(200);
  await cloud.sfn.idle();
};

describe('console: sign-in and home', () => {
  it('sends a browser without a session to sign in, and back afterwards', async () => {
    const page = await get(undefined, '/konsol/pengajuan?status=approved');
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/auth/login?next=${encodeURIComponent('/konsol/pengajuan?status=approved')}`);
  });

  it('shows each role its own home and navigation, with a sign-out button', async () => {
    const operator = visible((await get(dinkes, '/konsol')).text);
    expect(operator).toContain('Selamat datang, Siti Aminah');
    expect(operator).toContain('Isi formulir');
    expect(operator).not.toContain('Kelola formulir');
    const head = visible((await get(unitHead, '/konsol')).text);
    expect(head).toContain('Laporan survei');
    expect(head).not.toContain('Isi formulir');
    const boss = visible((await get(admin, '/konsol')).text);
    for (const text of ['Kelola formulir', 'Alur persetujuan', 'Direktori', 'Staf', 'Surat gagal']) {
      expect(boss).toContain(text);
    }
    expect((await get(dinkes, '/konsol')).text).toContain('<form method="post" action="/auth/logout">');
  });

  it('refuses admin pages to operators and office pages to unit heads', async () => {
    expect((await get(dinkes, '/konsol/admin/formulir')).status).toBe(403);
    expect((await get(unitHead, '/konsol/formulir')).status).toBe(403);
  });
});

describe('console: operators submit and track forms', () => {
  it('renders every field type, keeps values and shows each error beside its field, then submits', async () => {
    const form = await publishedForm('Izin kegiatan konsol');
    const list = visible((await get(dinkes, '/konsol/formulir')).text);
    expect(list).toContain('Izin kegiatan konsol');
    const page = (await get(dinkes, `/konsol/formulir/${form.id}`)).text;
    for (const control of [
      '<input type="text" id="f-nama"',
      '<textarea id="f-uraian"',
      '<input type="number" id="f-hari"',
      '<input type="date" id="f-mulai"',
      '<select id="f-jenis"',
      '<input type="checkbox" name="sasaran" value="pns"',
      '<input type="email" id="f-surel"',
      '<input type="tel" id="f-telepon"',
      '<input type="text" id="f-nip"',
    ]) {
      expect(page).toContain(control);
    }

    // A NIP whose birth date is not a date, and a number out of range.
    const refused = await post(dinkes, `/konsol/formulir/${form.id}`, {
      _csrf: csrfOf(page),
      ...goodValues,
      hari: '45',
      nip: '198013012005011001',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/<p class="field-error" id="galat-nip">[^<]+<\/p><input type="text" id="f-nip"/);
    expect(refused.text).toMatch(/<p class="field-error" id="galat-hari">[^<]+<\/p><input type="number" id="f-hari"/);
    expect(refused.text).not.toContain('id="galat-nama"');
    // Values kept, escaped.
    expect(refused.text).toContain('value="Rapat koordinasi &lt;gizi&gt;"');
    expect(refused.text).toContain('<option value="rapat" selected>');
    expect(refused.text).toContain('value="pppk" checked');
    expect(refused.text).toContain('value="198013012005011001"');
    expect((await api(dinkes, 'GET', '/submissions')).items).toEqual([]);

    const sent = await post(dinkes, `/konsol/formulir/${form.id}`, { _csrf: csrfOf(page), ...goodValues });
    expect(sent.status).toBe(303);
    const id = sent.location!.match(/^\/konsol\/pengajuan\/([0-9A-Z]{26})\?pesan=terkirim$/)![1]!;
    const stored = await api(dinkes, 'GET', `/submissions/${id}`);
    expect(stored.values).toMatchObject({ nama: 'Rapat koordinasi <gizi>', hari: 2, telepon: '081234567890' });

    const shown = visible((await get(dinkes, sent.location!)).text);
    expect(shown).toContain('Pengajuan terkirim.');
    expect(shown).toContain('Dalam persetujuan');
    expect(shown).toContain('Kepala dinas');
    expect(shown).toContain('Sasaran PNS, PPPK');

    const mine = visible((await get(dinkes, '/konsol/pengajuan')).text);
    expect(mine).toContain(id);
    const filtered = visible((await get(dinkes, '/konsol/pengajuan?status=approved')).text);
    expect(filtered).not.toContain(id);
    expect(filtered).toContain('Tidak ada pengajuan yang cocok.');
  });

  it('shows the timeline after an emailed decision, and lets the office edit and resubmit after changes asked', async () => {
    const form = await publishedForm('Izin perjalanan konsol');
    const sent = await submitFrom(dinkes, `/konsol/formulir/${form.id}`, `/konsol/formulir/${form.id}`, goodValues);
    const id = sent.location!.split('/').at(-1)!.split('?')[0]!;
    await decide(await linkFor(id), { decision: 'changes', comment: 'Lengkapi uraian' });

    const waiting = await get(dinkes, `/konsol/pengajuan/${id}`);
    const text = visible(waiting.text);
    expect(text).toContain('Perlu perbaikan');
    expect(text).toContain('Catatan penyetuju: “Lengkapi uraian”');
    expect(text).toContain('Ratna Sari: minta perbaikan');
    // The edit form holds the stored values.
    expect(waiting.text).toContain('value="081234567890"');

    const bad = await post(dinkes, `/konsol/pengajuan/${id}`, {
      _csrf: csrfOf(waiting.text),
      aksi: 'ajukan-ulang',
      ...goodValues,
      surel: 'bukan-email',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toMatch(/id="galat-surel"/);
    expect(bad.text).toContain('value="bukan-email"');

    const again = await post(dinkes, `/konsol/pengajuan/${id}`, {
      _csrf: csrfOf(waiting.text),
      aksi: 'ajukan-ulang',
      ...goodValues,
      uraian: 'Koordinasi posyandu dan puskesmas',
    });
    expect(again.status).toBe(303);
    await linkFor(id);
    const resubmitted = visible((await get(dinkes, again.location!)).text);
    expect(resubmitted).toContain('Perbaikan terkirim');
    expect(resubmitted).toContain('Diajukan ulang');
    expect(resubmitted).toContain('(putaran 2)');
    expect(resubmitted).toContain('Koordinasi posyandu dan puskesmas');
  });

  it('withdraws a submission in approval', async () => {
    const form = await publishedForm('Izin rapat konsol');
    const sent = await submitFrom(dinkes, `/konsol/formulir/${form.id}`, `/konsol/formulir/${form.id}`, goodValues);
    const id = sent.location!.split('/').at(-1)!.split('?')[0]!;
    await linkFor(id);
    const withdrawn = await submitFrom(dinkes, `/konsol/pengajuan/${id}`, `/konsol/pengajuan/${id}`, {
      aksi: 'tarik',
      alasan: 'Kegiatan batal',
    });
    expect(withdrawn.status).toBe(303);
    const page = visible((await get(dinkes, withdrawn.location!)).text);
    expect(page).toContain('Pengajuan ditarik.');
    expect(page).toContain('Ditarik oleh Siti Aminah: Kegiatan batal.');
    expect(page).not.toContain('Tarik pengajuan');
    // A second withdrawal (from a page opened before the first) is a conflict page.
    const twice = await submitFrom(dinkes, `/konsol/formulir/${form.id}`, `/konsol/pengajuan/${id}`, { aksi: 'tarik' });
    expect(twice.status).toBe(409);
    expect(visible(twice.text)).toContain('sudah ditarik');
  });

  it("keeps another office's submission out of reach", async () => {
    const form = await publishedForm('Izin lain konsol', false);
    const sent = await submitFrom(dinkes, `/konsol/formulir/${form.id}`, `/konsol/formulir/${form.id}`, goodValues);
    const path = sent.location!.split('?')[0]!;
    expect((await get(disdik, path)).status).toBe(403);
    expect((await get(disdik, '/konsol/pengajuan?kantor=DINKES')).status).toBe(403);
    expect(visible((await get(disdik, '/konsol/pengajuan')).text)).not.toContain(path.split('/').at(-1)!);
    const page = await get(disdik, `/konsol/formulir/${form.id}`);
    const tried = await post(disdik, path, { _csrf: csrfOf(page.text), aksi: 'tarik' });
    expect(tried.status).toBe(403);
    expect(visible((await get(dinkes, path)).text)).toContain('Diajukan');
  });
});

describe('console: CSRF', () => {
  it('refuses a POST without the token, or with another session’s, and changes nothing', async () => {
    const form = await publishedForm('Izin CSRF konsol', false);
    const before = (await api(dinkes, 'GET', '/submissions')).items.length;
    const none = await post(dinkes, `/konsol/formulir/${form.id}`, goodValues);
    expect(none.status).toBe(403);
    expect(visible(none.text)).toContain('Formulir ini sudah tidak berlaku');
    // A token of another session (another sign-in of the same person) does not fit this one.
    const other = await cloud.token(
      { sub: dinkes.sub, groups: dinkes.groups },
      { tokenUse: 'id', overrides: { aud: webClient } },
    );
    const foreignPage = await fetch(`${cloud.url}/konsol/formulir/${form.id}`, {
      headers: { cookie: `__Host-abdi-session=${other}` },
    });
    const foreign = await post(dinkes, `/konsol/formulir/${form.id}`, {
      _csrf: csrfOf(await foreignPage.text()),
      ...goodValues,
    });
    expect(foreign.status).toBe(403);
    expect((await api(dinkes, 'GET', '/submissions')).items.length).toBe(before);
  });
});

describe('console: admins define forms and workflows', () => {
  it('creates a workflow from JSON stages, with each mistake shown, and adds a version', async () => {
    const page = await get(admin, '/konsol/admin/alur');
    const broken = await post(admin, '/konsol/admin/alur', { _csrf: csrfOf(page.text), nama: 'Alur uji', tahap: '[{' });
    expect(broken.status).toBe(422);
    expect(visible(broken.text)).toContain('bukan JSON yang sah');
    expect(broken.text).toContain('value="Alur uji"');

    const quorum = [{ ...stage('Panel', [{ kind: 'head-of-submitting-office' }]), rule: { kind: 'quorum', k: 3 } }];
    const invalid = await post(admin, '/konsol/admin/alur', {
      _csrf: csrfOf(page.text),
      nama: 'Alur uji',
      tahap: JSON.stringify(quorum),
    });
    expect(invalid.status).toBe(422);
    expect(visible(invalid.text)).toContain('stages.0.rule.k : kuorum melebihi jumlah penyetuju');

    const twoStages = [
      stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }]),
      stage('BKPSDM', [{ kind: 'head-of-unit', unitCode: 'BKPSDM' }]),
    ];
    const created = await post(admin, '/konsol/admin/alur', {
      _csrf: csrfOf(page.text),
      nama: 'Alur dua tahap',
      tahap: JSON.stringify(twoStages),
      mulaiDari: 'current',
      batasPerbaikan: '5',
      putaran: '2',
    });
    expect(created.status).toBe(303);
    const shown = await get(admin, created.location!);
    const text = visible(shown.text);
    expect(text).toContain('Alur dua tahap');
    expect(text).toContain('Kepala kantor kepala kantor pengaju semua');
    expect(text).toContain('BKPSDM kepala BKPSDM semua');
    expect(text).toContain('paling banyak 2 putaran');

    const next = await post(admin, created.location!.split('?')[0]!, {
      _csrf: csrfOf(shown.text),
      expectedVersion: shown.text.match(/name="expectedVersion" value="(\d+)"/)![1]!,
      nama: 'Alur dua tahap',
      tahap: JSON.stringify(twoStages.slice(0, 1)),
    });
    expect(next.status).toBe(303);
    expect(visible((await get(admin, next.location!)).text)).toContain('pengajuan baru memakai versi 2');
  });

  it('creates a form, previews it, publishes it, attaches a workflow, adds a version and archives it', async () => {
    const list = await get(admin, '/konsol/admin/formulir');
    const duplicate = [everyField[0], everyField[0]];
    const refused = await post(admin, '/konsol/admin/formulir', {
      _csrf: csrfOf(list.text),
      judul: 'Formulir konsol admin',
      kolom: JSON.stringify(duplicate),
    });
    expect(refused.status).toBe(422);
    expect(visible(refused.text)).toContain('fields.1.name : nama kolom ganda');

    const created = await post(admin, '/konsol/admin/formulir', {
      _csrf: csrfOf(list.text),
      judul: 'Formulir konsol admin',
      keterangan: 'Untuk uji konsol',
      kolom: JSON.stringify(everyField),
    });
    expect(created.status).toBe(303);
    const formPath = created.location!.split('?')[0]!;
    const formId = formPath.split('/').at(-1)!;
    let page = await get(admin, created.location!);
    expect(visible(page.text)).toContain('Status Draf');
    // The preview is the operators' form, disabled.
    expect(page.text).toContain('<fieldset disabled><legend>Formulir konsol admin</legend>');
    expect(page.text).toContain('<input type="text" id="f-nip" name="nip" required disabled');
    expect(visible((await get(dinkes, '/konsol/formulir')).text)).not.toContain('Formulir konsol admin');

    const version = () => page.text.match(/name="expectedVersion" value="(\d+)"/)![1]!;
    const act = async (fields: Record<string, string>) => {
      const answer = await post(admin, formPath, { _csrf: csrfOf(page.text), expectedVersion: version(), ...fields });
      expect(answer.status, answer.text).toBe(303);
      page = await get(admin, answer.location!);
      return visible(page.text);
    };
    expect(await act({ aksi: 'terbitkan', versi: '1' })).toContain('Status Diterbitkan');
    expect(visible((await get(dinkes, '/konsol/formulir')).text)).toContain('Formulir konsol admin');

    const workflows = await api(admin, 'GET', '/workflows');
    const workflow = workflows.items.find((w: { name: string }) => w.name === 'Alur dua tahap');
    expect(await act({ aksi: 'alur', workflowId: workflow.id })).toContain('Alur persetujuan Alur dua tahap');

    // A stale page (its version read before the last change) is a conflict.
    const stale = await post(admin, formPath, {
      _csrf: csrfOf(page.text),
      expectedVersion: '1',
      aksi: 'arsipkan',
    });
    expect(stale.status).toBe(409);

    const text = await act({ aksi: 'versi', kolom: JSON.stringify(everyField.slice(0, 3)), terbitkan: 'ya' });
    expect(text).toContain('Versi baru tersimpan.');
    expect(text).toContain('Versi terbit 2');
    expect(page.text).not.toContain('id="f-nip"');
    expect(await act({ aksi: 'arsipkan' })).toContain('Status Diarsipkan');
    expect((await get(dinkes, `/konsol/formulir/${formId}`)).status).toBe(404);
  });
});

describe('console: directory, staff and failed mail', () => {
  it('shows the unit tree with QR posters and a unit with its acting head and people', async () => {
    const tree = await get(admin, '/konsol/admin/direktori');
    expect(tree.text).toContain('<a href="/s/DINKES/poster">poster QR</a>');
    expect(visible(tree.text)).toContain('Dinas Kesehatan');
    const unit = visible((await get(admin, '/konsol/admin/direktori?unit=DINKES')).text);
    expect(unit).toContain('Plt. Ratna Sari');
    expect(unit).toContain('Yang menyetujui hari ini Ratna Sari');
    expect(unit).toContain('Ratna Sari');
    expect((await get(admin, '/konsol/admin/direktori?unit=TIDAK-ADA')).status).toBe(404);
  });

  it("names a unit's Plh. (each mistake beside its field), who then approves as its head", async () => {
    const path = '/konsol/admin/direktori?unit=PKM-DEMPO';
    const page = await get(admin, path);
    expect(visible(page.text)).toContain('Plh. Rudi Hartono (2026-01-01 s.d. 2026-06-30)');
    const ids = [...page.text.matchAll(/<option value="([0-9A-Z]{26})"[^>]*>([^<(]+) \(/g)];
    const idOf = (name: string) => ids.find((m) => m[2] === name)![1]!;
    const form = {
      _csrf: csrfOf(page.text),
      aksi: 'kepala',
      unit: 'PKM-DEMPO',
      expectedVersion: page.text.match(/name="expectedVersion" value="(\d+)"/)![1]!,
      pemegang: idOf('Nur Aini'),
      pelaksana: idOf('Rudi Hartono'),
      jenisPelaksana: 'Plh',
    };
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Jakarta' }).format(new Date(cloud.clock.now()));
    const backwards = await post(admin, '/konsol/admin/direktori', { ...form, mulai: today, sampai: '2020-01-01' });
    expect(backwards.status).toBe(422);
    expect(backwards.text).toMatch(/id="galat-acting.until">Tanggal akhir tidak boleh sebelum tanggal mulai</);
    expect(backwards.text).toContain(`value="${today}"`);

    const named = await post(admin, '/konsol/admin/direktori', { ...form, mulai: today });
    expect(named.status).toBe(303);
    const after = visible((await get(admin, named.location!)).text);
    expect(after).toContain('Jabatan kepala tersimpan.');
    expect(after).toContain(`Plh. Rudi Hartono (${today})`);
    expect(after).toContain('Yang menyetujui hari ini Rudi Hartono');
    // The page read before is stale now.
    expect((await post(admin, '/konsol/admin/direktori', { ...form, mulai: today })).status).toBe(409);
  });

  it('imports people from CSV: a report of the bad rows and nothing written, then the import', async () => {
    const tree = await get(admin, '/konsol/admin/direktori');
    const bad = [
      'nama,email,jenis_pegawai,unit',
      'Orang Impor Satu,impor.satu@dinkes.palembang.local,PNS,DINKES',
      'Orang Impor Dua,bukan-email,PPPK,DINKES',
      'Orang Impor Tiga,impor.tiga@dinkes.palembang.local,HONORER,DINKES',
    ].join('\n');
    const refused = await post(admin, '/konsol/admin/direktori', {
      _csrf: csrfOf(tree.text),
      jenis: 'pegawai',
      csv: bad,
    });
    expect(refused.status).toBe(422);
    const report = visible(refused.text);
    expect(report).toContain('Impor dibatalkan');
    expect(report).toMatch(/ 3 email /);
    expect(report).toMatch(/ 4 jenis_pegawai /);
    expect(refused.text).toContain('Orang Impor Dua,bukan-email');
    expect(visible((await get(admin, '/konsol/admin/direktori?unit=DINKES')).text)).not.toContain('Orang Impor Satu');

    const good = bad.split('\n').slice(0, 2).join('\n');
    const imported = await post(admin, '/konsol/admin/direktori', {
      _csrf: csrfOf(tree.text),
      jenis: 'pegawai',
      csv: good,
    });
    expect(imported.status).toBe(200);
    expect(visible(imported.text)).toContain('Impor selesai: 1 baris; 1 baru');
    expect(visible((await get(admin, '/konsol/admin/direktori?unit=DINKES')).text)).toContain('Orang Impor Satu');
  });

  it('invites a staff member (errors beside the fields), then disables them, who is then refused', async () => {
    const page = await get(admin, '/konsol/admin/staf');
    const refused = await post(admin, '/konsol/admin/staf', {
      _csrf: csrfOf(page.text),
      aksi: 'undang',
      email: 'bukan-email',
      nama: 'Staf Konsol Baru',
      kantor: 'DINKES',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="galat-email">Alamat email tidak valid</);
    expect(refused.text).toMatch(/id="galat-groups">/);
    expect(refused.text).toContain('value="Staf Konsol Baru"');

    const invited = await post(admin, '/konsol/admin/staf', {
      _csrf: csrfOf(page.text),
      aksi: 'undang',
      email: 'staf.konsol@dinkes.palembang.local',
      nama: 'Staf Konsol Baru',
      kantor: 'dinkes',
      peran: 'operator',
    });
    expect(invited.status).toBe(303);
    const listed = await get(admin, invited.location!);
    expect(visible(listed.text)).toContain('Undangan terkirim.');
    expect(visible(listed.text)).toContain('Staf Konsol Baru staf.konsol@dinkes.palembang.local DINKES operator aktif');
    const sub = listed.text.match(
      /name="sub" value="([^"]+)"><input type="hidden" name="aksi" value="nonaktifkan"><button type="submit" class="danger">Nonaktifkan Staf Konsol Baru/,
    )![1]!;
    const newcomer = { sub, name: 'Staf Konsol Baru', email: '', groups: ['operator'], officeCode: 'DINKES' } as Staff;
    expect((await get(newcomer, '/konsol')).status).toBe(200);

    const disabled = await post(admin, '/konsol/admin/staf', { _csrf: csrfOf(listed.text), aksi: 'nonaktifkan', sub });
    expect(disabled.status).toBe(303);
    expect(visible((await get(admin, disabled.location!)).text)).toContain(
      'Staf Konsol Baru staf.konsol@dinkes.palembang.local DINKES operator nonaktif',
    );
    expect((await get(newcomer, '/konsol')).status).toBe(403);
  });

  it('lists failed mail and resends it', async () => {
    const reconciler = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
    const db = DynamoDBDocumentClient.from(cloud.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const entry = outboxItem(
      {
        to: ['gagal.konsol@palembang.go.id'],
        template: 'notice',
        data: { subject: 'Pemberitahuan konsol gagal', paragraphs: ['Uji kirim ulang.'], officeName: 'BKPSDM' },
      },
      new Date(cloud.clock.now()),
      { table, publicBaseUrl: reconciler.environment.PUBLIC_BASE_URL },
    );
    await db.send(new TransactWriteCommand({ TransactItems: [entry] }));
    const refusing = {
      db,
      table,
      sendEmail: async () => {
        throw new MessageRejected({ message: 'Email address is not verified.', $metadata: {} });
      },
      from: reconciler.environment.MAIL_FROM!,
      configurationSet: reconciler.environment.SES_CONFIGURATION_SET!,
      now: () => new Date(cloud.clock.now()),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    } as unknown as MailDeps;
    await deliverAfterCommit([entry], refusing);

    const page = await get(admin, '/konsol/admin/surat');
    const text = visible(page.text);
    expect(text).toContain('gagal.konsol@palembang.go.id Pemberitahuan konsol gagal gagal 1 MessageRejected');
    const resent = await post(admin, '/konsol/admin/surat', { _csrf: csrfOf(page.text), id: entry.Put.Item.id });
    expect(resent.status).toBe(303);
    const after = visible((await get(admin, resent.location!)).text);
    expect(after).toContain('Surat dikirim ulang.');
    expect(after).not.toContain('Pemberitahuan konsol gagal');
    expect((await cloud.outbox()).some((m) => m.subject === 'Pemberitahuan konsol gagal')).toBe(true);
  });
});

describe('console: survey reports and suggestions', () => {
  const unit = unitHead.officeCode;

  it("shows the unit head their unit's report: a trend point and one bar per element with the JSON report's NRR", async () => {
    const scores = [
      [4, 3, 2, 4, 4, 3, 4, 1, 3],
      [3, 3, 2, 4, 3, 4, 4, 2, 3],
      [4, 4, 1, 4, 4, 3, 3, 1, 4],
    ];
    for (const [i, row] of scores.entries()) {
      const answers = Object.fromEntries(ELEMENTS.map((e, j) => [e, row[j]]));
      const response = await fetch(`${cloud.url}/surveys/${unit}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          responseId: ulid(),
          answers,
          service: 'Surat keterangan',
          ...(i === 0 ? { suggestion: 'Antrean <terlalu> lama' } : {}),
        }),
      });
      expect(response.status).toBe(201);
    }
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Jakarta', year: 'numeric', month: '2-digit' })
      .format(new Date(cloud.clock.now()))
      .slice(0, 7);
    const report = await api(unitHead, 'GET', `/surveys/${unit}/report?from=${month}`);
    const page = await get(unitHead, `/konsol/laporan/${unit}?dari=${month}&sampai=${month}`);
    expect(page.status).toBe(200);
    const bars = [...page.text.matchAll(/<rect class="bar"[^>]*data-key="([^"]+)" data-value="([^"]*)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(bars).toEqual(report.elements.map((e: { key: string; nrr: number }) => [e.key, e.nrr.toFixed(3)]));
    expect(bars[0]![0]).toBe('sarana');
    expect(page.text).toContain(`data-period="${month}" data-ikm="${report.ikm.toFixed(2)}"`);
    expect(visible(page.text)).toContain(`IKM ${report.ikm.toFixed(2)}`);
    // Another unit's report is not theirs; the ranking is the admins'.
    expect((await get(unitHead, '/konsol/laporan/DINKES')).status).toBe(403);
    const own = await get(unitHead, '/konsol/laporan');
    expect(own.location).toBe(`/konsol/laporan/${unit}`);
    const ranking = await get(admin, `/konsol/laporan?periode=${month}&minimum=1`);
    expect(ranking.text).toMatch(
      new RegExp(`<rect class="bar"[^>]*data-key="${unit}" data-value="${report.ikm.toFixed(2)}"`),
    );
  });

  it('lets the unit head reply to a suggestion and close it', async () => {
    const page = await get(unitHead, `/konsol/laporan/${unit}/saran`);
    expect(visible(page.text)).toContain('“Antrean <terlalu> lama”');
    expect(page.text).not.toContain('<terlalu>');
    const responseId = page.text.match(/name="responseId" value="([^"]+)"/)![1]!;
    const empty = await post(unitHead, `/konsol/laporan/${unit}/saran`, {
      _csrf: csrfOf(page.text),
      responseId,
      aksi: 'balas',
      balasan: '',
    });
    expect(empty.status).toBe(422);
    expect(visible(empty.text)).toContain('Tulis balasan unit untuk menjawab saran ini');
    const replied = await post(unitHead, `/konsol/laporan/${unit}/saran`, {
      _csrf: csrfOf(page.text),
      responseId,
      aksi: 'balas',
      balasan: 'Loket kedua kami buka.',
    });
    expect(replied.status).toBe(303);
    expect(visible((await get(unitHead, replied.location!.split('#')[0]!)).text)).toContain(
      'sudah dibalas · Balasan Dewi Lestari: “Loket kedua kami buka.”',
    );
    const closed = await post(unitHead, `/konsol/laporan/${unit}/saran`, {
      _csrf: csrfOf(page.text),
      responseId,
      aksi: 'tutup',
    });
    expect(closed.status).toBe(303);
    const after = await get(unitHead, `/konsol/laporan/${unit}/saran?status=closed`);
    expect(visible(after.text)).toContain('ditutup');
    expect(after.text).not.toContain('name="responseId"');
    // An operator may read their office's suggestions but not answer them.
    expect((await post(disdik, `/konsol/laporan/${unit}/saran`, { responseId, aksi: 'tutup' })).status).toBe(403);
  });
});
