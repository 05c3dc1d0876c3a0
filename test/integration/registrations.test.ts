import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { approvalHelpers } from '#test/support/approvals';
import { consoleHelpers } from '#test/support/console';
import { json } from '#test/support/http';
import { forgetIdempotencyRecords } from '#test/support/idempotency';
import { xlsxToCsvLines } from '#test/support/libreoffice';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let table: string;
const { call, ok, mailTo, linkFor, decide, settled } = approvalHelpers(() => cloud);
const konsol = consoleHelpers(() => cloud);
const admin = demoStaff.find((s) => s.groups.includes('admin'))!; // of BKPSDM
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const disdik = demoStaff.find((s) => s.officeCode === 'DISDIK')!;
const person = (name: string) => demoPeople.find((p) => p.name === name)!;
const dinkesHead = person('Ratna Sari'); // Plt.
const disdikHead = person('Yusuf Maulana');
const bkpsdmHead = person('Hendra Gunawan');

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'registrationstest', seed: true });
  db = DynamoDBDocumentClient.from(cloud.dynamodb);
  table = cloud.system.functions.find((f) => f.logicalId.startsWith('TrainingsApi'))!.environment.TABLE_NAME!;
});

afterAll(async () => {
  await cloud?.stop();
});

const scanAll = async () => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** A valid PNS NIP: born 1980-01-01 + `n` days, in service from January 2005, sequence `n`. */
const nipOf = (n: number) => {
  const born = new Date(Date.UTC(1980, 0, 1 + n));
  const ymd = born.toISOString().slice(0, 10).replaceAll('-', '');
  return `${ymd}200501${1 + (n % 2)}${String((n % 999) + 1).padStart(3, '0')}`;
};

/** A training with one batch (window open now: 2026-11-28), as the admin API takes it. */
const trainingBody = (title: string, batch: Record<string, unknown> = {}) => ({
  title,
  description: 'Bagi Pejabat Pengawas Pelayanan Dasar',
  eligibility: { sectors: ['kesehatan', 'pendidikan'], levels: ['pengawas'], officeTypes: ['dinas', 'puskesmas'] },
  batches: [
    {
      name: 'Angkatan I',
      capacity: 2,
      sessionDays: ['2026-12-14', '2026-12-15', '2026-12-16'],
      venue: 'Venue Kebon Gede',
      whatToBring: 'Surat tugas dan laptop',
      registrationOpens: '2026-11-01',
      registrationCloses: '2026-12-10',
      attendanceThreshold: 60,
      ...batch,
    },
  ],
});

let trainingCount = 0;
/** A published training with one batch, created through the admin API. */
const training = async (batch: Record<string, unknown> = {}) => {
  trainingCount += 1;
  const created = await ok(
    await call(
      admin,
      'POST',
      '/trainings',
      trainingBody(`Diklat Pengembangan Kompetensi Sosial Kultural ${trainingCount}`, batch),
    ),
    201,
  );
  await ok(await call(admin, 'POST', `/trainings/${created.id}/status`, { status: 'published' }));
  return created as { id: string; formId: string };
};

const nominee = (n: number, extra: Record<string, unknown> = {}) => ({
  nip: nipOf(n),
  nama: `Peserta ${n}, S.Kep.`,
  jabatan: 'Kepala Seksi Pelayanan Kesehatan',
  jenjang: 'pengawas',
  sektor: 'kesehatan',
  email: `peserta${n}@dinkes.palembang.local`,
  telepon: '081234567890',
  alasan: 'Memperkuat pelayanan dasar di wilayah kerja.',
  angkatan: '1',
  ...extra,
});

const nominate = (trainingId: string, values: Record<string, unknown>, who = dinkes) =>
  call(who, 'POST', `/forms/${trainingId}/submissions`, { values });

/** Nominates and takes the nomination through both stages by email link. */
const approved = async (trainingId: string, n: number, who = dinkes, head = dinkesHead) => {
  const submission = await ok(await nominate(trainingId, nominee(n), who), 201);
  expect((await decide(await linkFor(head.email, submission.id), { decision: 'approve' })).status).toBe(200);
  expect((await decide(await linkFor(bkpsdmHead.email, submission.id), { decision: 'approve' })).status).toBe(200);
  await settled(submission.id, 'SUCCEEDED');
  return submission.id as string;
};

const registrations = async (trainingId: string, who = admin) =>
  (await ok(await call(who, 'GET', `/trainings/${trainingId}/registrations`))).items as {
    submissionId: string;
    status: string;
    seatNo?: number;
    waitlistPosition?: number;
    nip: string;
  }[];

const registrationOf = async (trainingId: string, id: string) =>
  (await registrations(trainingId)).find((r) => r.submissionId === id)!;

describe('trainings', () => {
  it('answers a keyed training created again after its idempotency record was lost with the stored one', async () => {
    const body = trainingBody('Diklat Kepemimpinan Pengawas');
    const first = await ok(await call(admin, 'POST', '/trainings', body, 'diklat-pengawas-1'), 201);
    await forgetIdempotencyRecords(cloud);
    const again = await call(admin, 'POST', '/trainings', body, 'diklat-pengawas-1');
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(first);
    await forgetIdempotencyRecords(cloud);
    const other = trainingBody('Diklat Kepemimpinan Administrator');
    expect((await call(admin, 'POST', '/trainings', other, 'diklat-pengawas-1')).status).toBe(409);
    expect((await ok(await call(admin, 'GET', `/trainings/${first.id}`))).title).toBe('Diklat Kepemimpinan Pengawas');
  });
});

describe('a nomination', () => {
  it('goes nominate → head approves → BKPSDM approves → confirmed, with the emails and status right at each step', async () => {
    const { id } = await training();
    const open = (await ok(await call(dinkes, 'GET', '/trainings'))).items.find((t: { id: string }) => t.id === id);
    expect(open.batches[0]).toMatchObject({
      capacity: 2,
      remainingSeats: 2,
      waitlistLength: 0,
      registrationOpen: true,
    });

    const submission = await ok(await nominate(id, nominee(1)), 201);
    const email = nominee(1).email;
    expect(
      (await cloud.outbox()).some((m) => m.to.includes(email) && m.subject.startsWith('Usulan peserta diterima')),
    ).toBe(true);
    expect(await registrationOf(id, submission.id)).toMatchObject({ status: 'pending', nip: nipOf(1) });
    expect((await registrations(id, dinkes))[0]).toMatchObject({
      status: 'pending',
      nip: expect.stringMatching(/^\d{4}\*{11}\d{3}$/),
    });

    // Stage 1: the Plt. head of DINKES; stage 2: the head of BKPSDM.
    expect((await decide(await linkFor(dinkesHead.email, submission.id), { decision: 'approve' })).status).toBe(200);
    expect(await registrationOf(id, submission.id)).toMatchObject({ status: 'pending' });
    expect((await decide(await linkFor(bkpsdmHead.email, submission.id), { decision: 'approve' })).status).toBe(200);
    await settled(submission.id, 'SUCCEEDED');

    expect(await registrationOf(id, submission.id)).toMatchObject({ status: 'confirmed', seatNo: 1 });
    const confirmed = (await cloud.outbox()).find((m) => m.to.includes(email) && m.subject.startsWith('Terdaftar'))!;
    expect(confirmed.text).toContain('nomor kursi 1');
    expect(confirmed.text).toContain('Venue Kebon Gede');
    expect(confirmed.text).toContain('14 Desember 2026');
    expect(confirmed.text).toContain('Surat tugas dan laptop');
    const after = (await ok(await call(dinkes, 'GET', `/trainings/${id}`))).batches[0];
    expect(after).toMatchObject({ seatsTaken: 1, remainingSeats: 1 });
    // The operator heard from the engine too.
    expect((await mailTo(dinkes.email, submission.id)).at(-1)!.subject).toContain('disetujui');
  });

  it('refuses a second registration of a NIP for a training: sequentially, and of 20 at once exactly one passes', async () => {
    const { id } = await training({ capacity: 30 });
    expect((await nominate(id, nominee(10))).status).toBe(201);
    const again = await nominate(id, nominee(10, { nama: 'Orang Lain' }));
    expect(again.status).toBe(409);
    expect((await json(again)).detail).toContain('NIP ini sudah terdaftar');

    const answers = await Promise.all(Array.from({ length: 20 }, () => nominate(id, nominee(11))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, ...Array(19).fill(409)]);
    const mine = (await scanAll()).filter((i) => i.entity === 'registration' && i.trainingId === id);
    expect(mine).toHaveLength(2);
  });

  it('refuses, with the reason and writing nothing, an ineligible sector, level or office and a batch outside its window', async () => {
    const { id } = await training();
    const nominationItems = async () =>
      (await scanAll()).filter((i) =>
        ['registration', 'registration-nip', 'submission', 'mail'].includes(String(i.entity)),
      );
    const before = await nominationItems();
    const sector = await nominate(id, nominee(20, { sektor: 'sosial' }));
    expect(sector.status).toBe(422);
    expect((await json(sector)).errors).toEqual([
      { field: 'values.sektor', message: expect.stringContaining('kesehatan, pendidikan') },
    ]);
    const level = await nominate(id, nominee(21, { jenjang: 'pelaksana' }));
    expect(level.status).toBe(422);
    expect((await json(level)).errors[0].field).toBe('values.jenjang');
    const office = await nominate(id, nominee(22), admin); // BKPSDM is a badan
    expect(office.status).toBe(422);
    expect((await json(office)).errors[0].field).toBe('officeCode');
    const badNip = await nominate(id, nominee(23, { nip: '198013452005011001' }));
    expect(badNip.status).toBe(422);
    expect((await json(badNip)).errors[0]).toMatchObject({
      field: 'values.nip',
      message: expect.stringContaining('tanggal lahir'),
    });

    const { id: later } = await training({ registrationOpens: '2026-12-01', registrationCloses: '2026-12-05' });
    const early = await nominate(later, nominee(24));
    expect(early.status).toBe(422);
    expect((await json(early)).errors[0]).toMatchObject({
      field: 'values.angkatan',
      message: expect.stringContaining('2026-12-01 s.d. 2026-12-05'),
    });
    expect(await nominationItems()).toEqual(before);
  });

  it('tells the nominee when rejected, with the comment, and frees the NIP', async () => {
    const { id } = await training();
    const submission = await ok(await nominate(id, nominee(30)), 201);
    await decide(await linkFor(dinkesHead.email, submission.id), {
      decision: 'reject',
      comment: 'Kuota kantor sudah terpenuhi',
    });
    await settled(submission.id, 'SUCCEEDED');
    expect(await registrationOf(id, submission.id)).toMatchObject({ status: 'rejected' });
    const mail = (await cloud.outbox()).find(
      (m) => m.to.includes(nominee(30).email) && m.subject.includes('tidak disetujui'),
    )!;
    expect(mail.text).toContain('Kuota kantor sudah terpenuhi');
    expect((await nominate(id, nominee(30))).status).toBe(201);
  });
});

describe('seats and the waitlist', () => {
  it('waitlists when full, promotes the head on cancellation, and refuses a capacity below the seats taken', async () => {
    const { id } = await training({ capacity: 1 });
    const first = await approved(id, 40);
    const second = await approved(id, 41, disdik, disdikHead);
    const third = await approved(id, 42, disdik, disdikHead);
    expect(await registrationOf(id, first)).toMatchObject({ status: 'confirmed', seatNo: 1 });
    expect(await registrationOf(id, second)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(await registrationOf(id, third)).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
    const waitMail = (await cloud.outbox()).find(
      (m) => m.to.includes(nominee(41).email) && m.subject.startsWith('Daftar tunggu'),
    )!;
    expect(waitMail.text).toContain('urutan 1');

    // Operators see only their office; another office cannot cancel.
    expect((await registrations(id, dinkes)).map((r) => r.submissionId)).toEqual([first]);
    expect((await call(disdik, 'POST', `/registrations/${first}/cancel`, {})).status).toBe(403);

    expect((await call(admin, 'PUT', `/trainings/${id}/batches/1/capacity`, { capacity: 0 })).status).toBe(422);
    const cancelled = await ok(
      await call(dinkes, 'POST', `/registrations/${first}/cancel`, { reason: 'Tugas dinas luar kota' }),
    );
    expect(cancelled.status).toBe('cancelled');
    expect(await registrationOf(id, second)).toMatchObject({ status: 'confirmed', seatNo: 2 });
    expect(await registrationOf(id, third)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    expect(
      (await cloud.outbox()).some(
        (m) => m.to.includes(nominee(41).email) && m.subject.startsWith('Naik dari daftar tunggu'),
      ),
    ).toBe(true);
    expect(
      (await cloud.outbox()).some(
        (m) => m.to.includes(nominee(40).email) && m.subject.startsWith('Pendaftaran dibatalkan'),
      ),
    ).toBe(true);
    expect((await call(dinkes, 'POST', `/registrations/${first}/cancel`, {})).status).toBe(409);

    // Raising the capacity promotes the next; lowering below the seats taken is refused.
    const raised = await ok(await call(admin, 'PUT', `/trainings/${id}/batches/1/capacity`, { capacity: 3 }));
    expect(raised.promoted).toEqual([third]);
    expect(raised.batch).toMatchObject({ capacity: 3, seatsTaken: 2, waitlistLength: 0, remainingSeats: 1 });
    const lowered = await call(admin, 'PUT', `/trainings/${id}/batches/1/capacity`, { capacity: 1 });
    expect(lowered.status).toBe(409);
    // The cancelled NIP may register again.
    expect((await nominate(id, nominee(40))).status).toBe(201);
  });
});

describe('the BKPSDM inbox', () => {
  it('lists the nominations awaiting BKPSDM by training and batch, and decides several at once, each recorded and audited', async () => {
    const { id } = await training({ capacity: 5 });
    const { id: other } = await training();
    const ids: string[] = [];
    for (const n of [60, 61, 62]) {
      const submission = await ok(await nominate(id, nominee(n)), 201);
      await decide(await linkFor(dinkesHead.email, submission.id), { decision: 'approve' });
      ids.push(submission.id);
    }
    const elsewhere = await ok(await nominate(other, nominee(63)), 201);
    await decide(await linkFor(dinkesHead.email, elsewhere.id), { decision: 'approve' });
    await linkFor(admin.email, ids[2]!);

    const inbox = (await ok(await call(admin, 'GET', `/inbox?formId=${id}&batch=1`))).items;
    expect(inbox.map((i: { submissionId: string }) => i.submissionId).sort()).toEqual([...ids].sort());
    expect(inbox[0]).toMatchObject({ stageName: 'BKPSDM', batch: 1, officeCode: 'DINKES', formId: id });
    // The operator is nobody's approver here.
    expect((await ok(await call(dinkes, 'GET', '/inbox'))).items).toEqual([]);

    const refused = await call(admin, 'POST', '/inbox/decisions', { items: inbox.slice(0, 1), decision: 'reject' });
    expect(refused.status).toBe(422);
    const seatOf = (i: number) => inbox.find((e: { submissionId: string }) => e.submissionId === ids[i]);
    const bulk = await ok(
      await call(admin, 'POST', '/inbox/decisions', { items: [seatOf(0), seatOf(1)], decision: 'approve' }),
    );
    expect(bulk.results.map((r: { outcome: string }) => r.outcome)).toEqual(['recorded', 'recorded']);
    // Another office's operator cannot decide a seat that is not theirs.
    expect(
      (await ok(await call(dinkes, 'POST', '/inbox/decisions', { items: [seatOf(2)], decision: 'approve' }))).results[0]
        .outcome,
    ).toBe('not-yours');
    for (const done of ids.slice(0, 2)) await settled(done, 'SUCCEEDED');
    expect(
      (await registrations(id))
        .filter((r) => r.status === 'confirmed')
        .map((r) => r.submissionId)
        .sort(),
    ).toEqual(ids.slice(0, 2).sort());
    const progress = await ok(await call(admin, 'GET', `/submissions/${ids[0]}/progress`));
    expect(
      progress.audit.find((e: { event: string; stage?: string }) => e.event === 'decided' && e.stage === 'BKPSDM'),
    ).toMatchObject({
      actor: admin.name,
      decision: 'approve',
      detail: 'Melalui kotak masuk konsol',
    });
    // Decided from the inbox, the head's link for the same stage is superseded; the inbox no longer lists them.
    expect((await fetch(await linkFor(bkpsdmHead.email, ids[0]!))).status).toBe(409);
    expect(
      (await ok(await call(admin, 'GET', `/inbox?formId=${id}`))).items.map(
        (i: { submissionId: string }) => i.submissionId,
      ),
    ).toEqual([ids[2]]);
  });
});

describe('attendance and the participant list', () => {
  it('records attendance by NIP, works out certificate eligibility, and exports CSV and XLSX', async () => {
    const { id } = await training({ capacity: 5 });
    const a = await approved(id, 50);
    const b = await approved(id, 51);
    const day = (d: string, nips: string[]) =>
      call(admin, 'POST', `/trainings/${id}/batches/1/attendance`, { date: d, nips });
    expect((await day('2026-12-20', [nipOf(50)])).status).toBe(422);
    expect(await ok(await day('2026-12-14', [nipOf(50), nipOf(51), nipOf(99)]))).toEqual({
      recorded: 2,
      notParticipants: [expect.stringMatching(/^\d{4}\*{11}\d{3}$/)],
    });
    await ok(await day('2026-12-15', [`${nipOf(50).slice(0, 8)} ${nipOf(50).slice(8, 14)} ${nipOf(50).slice(14)}`]));

    const list = await ok(await call(admin, 'GET', `/trainings/${id}/batches/1/participants`));
    expect(
      list.participants.map(
        (p: { submissionId: string; attendedDays: number; certificateEligible: boolean; nip: string }) => [
          p.submissionId,
          p.attendedDays,
          p.certificateEligible,
          p.nip,
        ],
      ),
    ).toEqual([
      [a, 2, true, nipOf(50)],
      [b, 1, false, nipOf(51)],
    ]);
    // An operator sees their office's participants, NIPs masked.
    const operatorCsv = await (await call(dinkes, 'GET', `/trainings/${id}/batches/1/participants?format=csv`)).text();
    expect(operatorCsv).not.toContain(nipOf(50));
    expect(operatorCsv).toContain(`${nipOf(50).slice(0, 4)}***********${nipOf(50).slice(-3)}`);

    const xlsx = await call(admin, 'GET', `/trainings/${id}/batches/1/participants.xlsx`);
    expect(xlsx.status).toBe(200);
    const rows = xlsxToCsvLines(Buffer.from(await xlsx.arrayBuffer()));
    expect(rows[0]).toContain('No. kursi,Nama,NIP');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(`"Peserta 50, S.Kep.",${nipOf(50)}`);
    expect(rows[1]).toMatch(/,2,Ya$/);
    expect(rows[2]).toMatch(/,1,Tidak$/);
  });
});

describe('the console', () => {
  it('lets BKPSDM approve nominations in bulk from its inbox page, and an operator see and cancel from the training page', async () => {
    const { id } = await training({ capacity: 1 });
    const ids: string[] = [];
    for (const n of [70, 71]) {
      const submission = await ok(await nominate(id, nominee(n)), 201);
      await decide(await linkFor(dinkesHead.email, submission.id), { decision: 'approve' });
      ids.push(submission.id);
    }
    await linkFor(admin.email, ids[1]!);
    const inbox = await konsol.get(admin, `/konsol/kotak-masuk?pelatihan=${id}&angkatan=1`);
    expect(inbox.status).toBe(200);
    const boxes = [...inbox.text.matchAll(/name="items" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(boxes.map((b) => b.split(':')[0]).sort()).toEqual([...ids].sort());

    // A rejection without a comment changes nothing and says why; then both are approved at once.
    const refused = await konsol.post(admin, '/konsol/kotak-masuk', {
      _csrf: konsol.csrfOf(inbox.text),
      items: boxes,
      keputusan: 'reject',
    });
    expect(refused.status).toBe(422);
    expect(konsol.visible(refused.text)).toContain('Tuliskan alasan penolakan.');
    const forged = await konsol.post(admin, '/konsol/kotak-masuk', {
      _csrf: 'palsu',
      items: boxes,
      keputusan: 'approve',
    });
    expect(forged.status).toBe(403);
    expect(await registrationOf(id, ids[0]!)).toMatchObject({ status: 'pending' });

    const done = await konsol.post(admin, '/konsol/kotak-masuk', {
      _csrf: konsol.csrfOf(inbox.text),
      items: boxes,
      keputusan: 'approve',
    });
    expect(done).toMatchObject({ status: 303, location: '/konsol/kotak-masuk?pesan=diputuskan' });
    for (const s of ids) await settled(s, 'SUCCEEDED');
    const states = (await registrations(id)).map((r) => r.status).sort();
    expect(states).toEqual(['confirmed', 'waitlisted']);
    expect(konsol.visible((await konsol.get(admin, `/konsol/kotak-masuk?pelatihan=${id}`)).text)).toContain(
      '0 permintaan menunggu',
    );

    // The operator's training page: the office's nominations with seat and waitlist place; cancel promotes.
    const page = await konsol.get(dinkes, `/konsol/pelatihan/${id}`);
    const text = konsol.visible(page.text);
    expect(text).toContain('Terdaftar · kursi 1');
    expect(text).toContain('Daftar tunggu · urutan 1');
    const confirmed = (await registrations(id)).find((r) => r.status === 'confirmed')!;
    const cancelled = await konsol.post(dinkes, `/konsol/pelatihan/${id}`, {
      _csrf: konsol.csrfOf(page.text),
      aksi: 'batalkan',
      pendaftaran: confirmed.submissionId,
    });
    expect(cancelled).toMatchObject({ status: 303, location: `/konsol/pelatihan/${id}?pesan=dibatalkan` });
    expect((await registrations(id)).map((r) => r.status).sort()).toEqual(['cancelled', 'confirmed']);
    // Operators cannot manage the batch.
    const capacity = await konsol.post(dinkes, `/konsol/pelatihan/${id}`, {
      _csrf: konsol.csrfOf(page.text),
      aksi: 'kapasitas',
      angkatan: '1',
      kapasitas: '9',
    });
    expect(capacity.status).toBe(403);
  });

  it('lets an admin create a training from the console, with errors beside the fields, then manage seats and attendance', async () => {
    const bad = await konsol.submitFrom(admin, '/konsol/pelatihan', '/konsol/pelatihan', {
      judul: 'Diklat dari konsol',
      sektor: 'kesehatan',
      jenjang: 'pengawas',
      jenisKantor: 'dinas',
      namaAngkatan: 'Angkatan I',
      kapasitas: '2',
      hariSesi: '2026-12-15, 2026-12-14',
      tempat: 'Venue Kebon Gede',
      dibuka: '2026-11-01',
      ditutup: '2026-12-10',
    });
    expect(bad.status).toBe(422);
    expect(konsol.visible(bad.text)).toContain('hari sesi harus urut dan tidak berulang');
    expect(bad.text).toContain('value="Diklat dari konsol"');
    const created = await konsol.submitFrom(admin, '/konsol/pelatihan', '/konsol/pelatihan', {
      judul: 'Diklat dari konsol',
      sektor: 'kesehatan',
      jenjang: 'pengawas',
      jenisKantor: 'dinas',
      namaAngkatan: 'Angkatan I',
      kapasitas: '2',
      hariSesi: '2026-12-14, 2026-12-15',
      tempat: 'Venue Kebon Gede',
      dibuka: '2026-11-01',
      ditutup: '2026-12-10',
    });
    expect(created.status).toBe(303);
    const id = /\/konsol\/pelatihan\/([0-9A-Z]{26})/.exec(created.location!)![1]!;
    await konsol.submitFrom(admin, `/konsol/pelatihan/${id}`, `/konsol/pelatihan/${id}`, {
      aksi: 'status',
      status: 'published',
    });
    const submission = await approved(id, 80);
    const lower = await konsol.submitFrom(admin, `/konsol/pelatihan/${id}`, `/konsol/pelatihan/${id}`, {
      aksi: 'kapasitas',
      angkatan: '1',
      kapasitas: '0',
    });
    expect(lower.status).toBe(422);
    const attendance = await konsol.submitFrom(admin, `/konsol/pelatihan/${id}`, `/konsol/pelatihan/${id}`, {
      aksi: 'hadir',
      angkatan: '1',
      tanggal: '2026-12-14',
      nip: nipOf(80),
    });
    expect(attendance.status).toBe(303);
    expect((await registrationOf(id, submission)).status).toBe('confirmed');
    const list = await ok(await call(admin, 'GET', `/trainings/${id}/batches/1/participants`));
    expect(list.participants[0]).toMatchObject({ submissionId: submission, attendedDays: 1 });
  });
});
