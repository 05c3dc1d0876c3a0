import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoStaff } from '#shared/directory/demo-seed';
import { json } from '#test/support/http';
import { forgetIdempotencyRecords } from '#test/support/idempotency';

let cloud: LocalCloud;
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const disdik = demoStaff.find((s) => s.officeCode === 'DISDIK')!;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'formstest', seed: true });
});

afterAll(async () => {
  await cloud?.stop();
});

const call = async (who: (typeof demoStaff)[number], method: string, path: string, body?: unknown, key?: string) =>
  fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await cloud.token({ sub: who.sub, groups: who.groups })}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { 'idempotency-key': key } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const fields = [
  { name: 'nama', label: 'Nama lengkap', type: 'text', required: true, minLength: 3 },
  { name: 'nip', label: 'NIP', type: 'nip', required: true },
  { name: 'jumlah', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 5 },
];

const publishedForm = async (title: string) => {
  const created = await json(
    await call(admin, 'POST', '/forms', { title, fields }, `create-${title.replaceAll(' ', '-')}`),
  );
  const published = await call(admin, 'POST', `/forms/${created.id}/status`, {
    action: 'publish',
    version: 1,
    expectedVersion: created.version,
  });
  expect(published.status, await published.clone().text()).toBe(200);
  return json(published);
};

const submissionCount = async (office: string) =>
  (await json(await call(admin, 'GET', `/submissions?office=${office}&limit=100`))).items.length;

describe('forms', () => {
  it('lets an admin create a form once per Idempotency-Key, as a draft operators do not see', async () => {
    const first = await call(admin, 'POST', '/forms', { title: 'Cuti tahunan', fields }, 'form-once');
    const again = await call(admin, 'POST', '/forms', { title: 'Cuti tahunan', fields }, 'form-once');
    expect(first.status).toBe(201);
    const form = await json(first);
    expect(await json(again)).toEqual(form);
    expect(form).toMatchObject({ status: 'draft', latestVersion: 1, fieldsVersion: 1 });
    expect((await call(dinkes, 'GET', `/forms/${form.id}`)).status).toBe(404);
    expect((await call(dinkes, 'POST', '/forms', { title: 'x', fields })).status).toBe(403);
  });

  it('answers a keyed form created again after its idempotency record was lost with the stored form, once', async () => {
    const body = { title: 'Laporan bulanan', fields };
    const first = await json(await call(admin, 'POST', '/forms', body, 'laporan-bulanan-1'));
    await forgetIdempotencyRecords(cloud);
    const again = await call(admin, 'POST', '/forms', body, 'laporan-bulanan-1');
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(first);
    await forgetIdempotencyRecords(cloud);
    const other = await call(admin, 'POST', '/forms', { ...body, title: 'Laporan tahunan' }, 'laporan-bulanan-1');
    expect(other.status).toBe(409);
    // The refused request changed nothing: the form under the key is the first one.
    expect((await json(await call(admin, 'GET', `/forms/${first.id}`))).title).toBe('Laporan bulanan');
  });

  it('refuses a stale version number with 409', async () => {
    const form = await publishedForm('Izin belajar');
    const stale = await call(admin, 'POST', `/forms/${form.id}/versions`, {
      fields,
      publish: true,
      expectedVersion: form.version - 1,
    });
    expect(stale.status).toBe(409);
  });
});

describe('submissions', () => {
  it('names each bad field, stores nothing, then accepts the corrected values for the office', async () => {
    const form = await publishedForm('Permohonan pelatihan');
    const before = await submissionCount('DINKES');
    const bad = await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
      values: { nama: 'Siti Aminah', nip: '198503152010013002', jumlah: 9, lain: 'x' },
    });
    expect(bad.status).toBe(422);
    const problem = await json(bad);
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'values',
      'values.jumlah',
      'values.nip',
    ]);
    expect(problem.errors.find((e: { field: string }) => e.field === 'values.nip').message).toMatch(/jenis kelamin/);
    expect(await submissionCount('DINKES')).toBe(before);

    const good = await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
      values: { nama: 'Siti Aminah', nip: '19850315 201001 2 002', jumlah: '3' },
    });
    expect(good.status).toBe(201);
    const submission = await json(good);
    expect(submission).toMatchObject({
      officeCode: 'DINKES',
      formVersion: 1,
      status: 'submitted',
      values: { nama: 'Siti Aminah', nip: '198503152010012002', jumlah: 3 },
    });
    expect(await submissionCount('DINKES')).toBe(before + 1);
  });

  it("keeps an office's submissions from another office's operator, and shows them to admins", async () => {
    const form = await publishedForm('Laporan kegiatan');
    const submission = await json(
      await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
        values: { nama: 'Ratna Sari', nip: '198503152010012002', jumlah: 1 },
      }),
    );
    expect((await call(dinkes, 'GET', `/submissions/${submission.id}`)).status).toBe(200);
    expect((await call(disdik, 'GET', `/submissions/${submission.id}`)).status).toBe(403);
    expect((await call(disdik, 'GET', '/submissions?office=DINKES')).status).toBe(403);
    expect((await call(admin, 'GET', `/submissions/${submission.id}`)).status).toBe(200);
    const mine = await json(await call(disdik, 'GET', '/submissions'));
    expect(mine.items.every((s: { officeCode: string }) => s.officeCode === 'DISDIK')).toBe(true);
  });

  it('pins the version a submission was validated against when a new version is published', async () => {
    const form = await publishedForm('Survei internal');
    const v1 = await json(
      await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
        values: { nama: 'Ratna Sari', nip: '198503152010012002', jumlah: 2 },
      }),
    );
    const v2 = await call(admin, 'POST', `/forms/${form.id}/versions`, {
      fields: [...fields, { name: 'catatan', label: 'Catatan', type: 'longtext' }],
      publish: true,
      expectedVersion: form.version,
    });
    expect((await json(v2)).publishedVersion).toBe(2);
    const later = await json(
      await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
        values: { nama: 'Ratna Sari', nip: '198503152010012002', jumlah: 2, catatan: 'ok' },
      }),
    );
    expect(later.formVersion).toBe(2);
    expect((await json(await call(dinkes, 'GET', `/submissions/${v1.id}`))).formVersion).toBe(1);
  });

  it('answers a keyed submission sent again after its idempotency record was lost as stored, once', async () => {
    const form = await publishedForm('Izin keluar kantor');
    const values = { nama: 'Ratna Sari', nip: '198503152010012002', jumlah: 2 };
    const path = `/forms/${form.id}/submissions`;
    const first = await call(dinkes, 'POST', path, { values }, 'izin-ratna-1');
    expect(first.status).toBe(201);
    const stored = await json(first);
    // As when the record's save was throttled after the commit: the database still holds the submission.
    await forgetIdempotencyRecords(cloud);
    const before = await submissionCount('DINKES');

    const again = await call(dinkes, 'POST', path, { values }, 'izin-ratna-1');
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(stored);
    // The same key for other values is still a conflict; nothing is written.
    await forgetIdempotencyRecords(cloud);
    const other = await call(dinkes, 'POST', path, { values: { ...values, jumlah: 3 } }, 'izin-ratna-1');
    expect(other.status).toBe(409);
    expect(await submissionCount('DINKES')).toBe(before);
  });

  it('refuses submissions to an archived form with 409', async () => {
    const form = await publishedForm('Lama');
    await call(admin, 'POST', `/forms/${form.id}/status`, { action: 'archive', expectedVersion: form.version });
    const refused = await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
      values: { nama: 'Ratna Sari', nip: '198503152010012002', jumlah: 1 },
    });
    expect(refused.status).toBe(409);
  });
});
