import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { archiveUnit, createUnit, type Documents, updateUnit } from '#shared/directory/units';
import { json } from '#test/support/http';

let cloud: LocalCloud;
let adminToken: string;
let operatorToken: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'directorytest', seed: true });
  const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
  const operator = demoStaff.find((s) => s.sub === 'dev-operator-dinkes')!;
  adminToken = await cloud.token({ sub: admin.sub, groups: ['admin'] });
  operatorToken = await cloud.token({ sub: operator.sub, groups: ['operator'] });
});

afterAll(async () => {
  await cloud?.stop();
});

/** A call to the API as the given caller (admin by default), with a JSON body unless a content type is given. */
const call = (method: string, path: string, body?: unknown, options: { token?: string; contentType?: string } = {}) =>
  fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? adminToken}`,
      ...(body === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const domainTable = () => cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;

/** The stored item of a unit, read straight from the table. */
const storedUnit = async (code: string) =>
  (
    await cloud.dynamodb.send(
      new GetItemCommand({
        TableName: domainTable(),
        Key: { PK: { S: `UNIT#${code}` }, SK: { S: 'UNIT' } },
        ConsistentRead: true,
      }),
    )
  ).Item;

const unitCodes = async (query: string): Promise<string[]> => {
  const response = await call('GET', `/directory/units?${query}&limit=500`);
  expect(response.status).toBe(200);
  return (await json(response)).units.map((u: { code: string }) => u.code);
};

describe('units through the API', () => {
  it('builds a small tree, then reads a unit with its children, head and approver', async () => {
    const kecamatan = await call('POST', '/directory/units', {
      code: 'kec-t1',
      name: 'Kecamatan Uji Satu',
      type: 'kecamatan',
      parentCode: 'PLG',
      sector: 'pemerintahan',
      services: ['Surat keterangan', 'Legalisasi dokumen'],
    });
    expect(kecamatan.status).toBe(201);
    expect(await json(kecamatan)).toMatchObject({ code: 'KEC-T1', version: 1, status: 'active', activeChildren: 0 });
    const kelurahan = await call('POST', '/directory/units', {
      code: 'KEL-T1',
      name: 'Kelurahan Uji Satu',
      type: 'kelurahan',
      parentCode: 'KEC-T1',
    });
    expect(kelurahan.status).toBe(201);
    const person = await call('POST', '/directory/people', {
      name: 'Camat Uji',
      email: 'camat.uji@palembang.local',
      employeeType: 'PNS',
      unitCode: 'KEC-T1',
    });
    expect(person.status).toBe(201);
    const { id } = await json(person);
    const head = await call('PUT', '/directory/units/KEC-T1/head', { version: 0, holderId: id });
    expect(head.status).toBe(200);
    expect(await json(head)).toMatchObject({ title: 'Camat', holder: { id, name: 'Camat Uji' }, version: 1 });

    const read = await call('GET', '/directory/units/KEC-T1', undefined, { token: operatorToken });
    expect(read.status).toBe(200);
    const unit = await json(read);
    expect(unit).toMatchObject({
      code: 'KEC-T1',
      parentCode: 'PLG',
      activeChildren: 1,
      children: [{ code: 'KEL-T1', name: 'Kelurahan Uji Satu', type: 'kelurahan', status: 'active' }],
      head: { holder: { id } },
      approver: { headOf: 'KEC-T1', person: { id }, reason: 'holder' },
    });
    const child = await json(await call('GET', '/directory/units/KEL-T1'));
    expect(child.approver).toMatchObject({
      headOf: 'KEC-T1',
      person: { id, email: 'camat.uji@palembang.local' },
      reason: 'escalated-from:KEL-T1',
      vacant: ['KEL-T1'],
    });
  });

  it('refuses a code that is taken with 409', async () => {
    const response = await call('POST', '/directory/units', {
      code: 'DINKES',
      name: 'Dinas Kesehatan Kedua',
      type: 'dinas',
      parentCode: 'PLG',
    });
    expect(response.status).toBe(409);
    expect((await json(response)).detail).toBe('Kode unit DINKES sudah dipakai');
  });

  it('refuses a unit under an unknown parent with 422 naming the field, and writes nothing', async () => {
    const response = await call('POST', '/directory/units', {
      code: 'KEL-ORPHAN',
      name: 'Kelurahan Yatim',
      type: 'kelurahan',
      parentCode: 'KEC-NOPE',
    });
    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([
      { field: 'parentCode', message: 'Unit induk KEC-NOPE tidak ditemukan' },
    ]);
    expect(await storedUnit('KEL-ORPHAN')).toBeUndefined();
  });

  it('lists units flat, by type and by parent', async () => {
    const puskesmas = await unitCodes('type=puskesmas');
    expect(puskesmas).toEqual(expect.arrayContaining(['PKM-DEMPO', 'PKM-SAKO']));
    expect(puskesmas.every((code) => code.startsWith('PKM-'))).toBe(true);
    expect((await unitCodes('parentCode=DISDIK')).sort()).toEqual(['SD-N1', 'SMP-N1', 'SMP-N9']);
  });

  it('pages through a listing with the cursor it answers', async () => {
    const first = await json(await call('GET', '/directory/units?type=kecamatan&limit=10'));
    expect(first.units).toHaveLength(10);
    const second = await json(await call('GET', `/directory/units?type=kecamatan&limit=10&cursor=${first.next}`));
    const codes = [...first.units, ...second.units].map((u: { code: string }) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThanOrEqual(18);
  });

  it('answers 409 to an update based on a stale version and keeps the change that won', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-T2',
      name: 'Kecamatan Uji Dua',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    const first = await call('PATCH', '/directory/units/KEC-T2', { version: 1, name: 'Kecamatan Uji Dua Baru' });
    expect(first.status).toBe(200);
    expect((await json(first)).version).toBe(2);
    const stale = await call('PATCH', '/directory/units/KEC-T2', { version: 1, name: 'Kecamatan Basi' });
    expect(stale.status).toBe(409);
    expect((await json(await call('GET', '/directory/units/KEC-T2'))).name).toBe('Kecamatan Uji Dua Baru');
  });

  it('moves a unit to another parent, shifting the active-children counts', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-T3',
      name: 'Kecamatan Uji Tiga',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    await call('POST', '/directory/units', {
      code: 'KEL-T3',
      name: 'Kelurahan Uji Tiga',
      type: 'kelurahan',
      parentCode: 'KEC-T3',
    });
    await call('POST', '/directory/units', {
      code: 'KEC-T4',
      name: 'Kecamatan Uji Empat',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    const moved = await call('PATCH', '/directory/units/KEL-T3', { version: 1, parentCode: 'KEC-T4' });
    expect(moved.status).toBe(200);
    expect((await storedUnit('KEC-T3'))?.activeChildren).toEqual({ N: '0' });
    expect((await storedUnit('KEC-T4'))?.activeChildren).toEqual({ N: '1' });
    expect(await unitCodes('parentCode=KEC-T4')).toEqual(['KEL-T3']);
  });

  it('refuses a move below its own descendant with 422', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-T5',
      name: 'Kecamatan Uji Lima',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    await call('POST', '/directory/units', {
      code: 'KEL-T5',
      name: 'Kelurahan Uji Lima',
      type: 'kelurahan',
      parentCode: 'KEC-T5',
    });
    const response = await call('PATCH', '/directory/units/KEC-T5', { version: 1, parentCode: 'KEL-T5' });
    expect(response.status).toBe(422);
    expect((await json(response)).errors[0].message).toContain('siklus: KEC-T5 → KEL-T5 → KEC-T5');
    expect((await storedUnit('KEC-T5'))?.parentCode).toEqual({ S: 'PLG' });
  });

  it('refuses to archive a unit with active children, and archives it once they are archived', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-T6',
      name: 'Kecamatan Uji Enam',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    await call('POST', '/directory/units', {
      code: 'KEL-T6',
      name: 'Kelurahan Uji Enam',
      type: 'kelurahan',
      parentCode: 'KEC-T6',
    });
    const refused = await call('POST', '/directory/units/KEC-T6/archive', { version: 1 });
    expect(refused.status).toBe(409);
    expect((await json(refused)).detail).toContain('KEL-T6');
    expect((await call('POST', '/directory/units/KEL-T6/archive', { version: 1 })).status).toBe(200);
    const archived = await call('POST', '/directory/units/KEC-T6/archive', { version: 1 });
    expect(archived.status).toBe(200);
    expect(await json(archived)).toMatchObject({ status: 'archived', version: 2 });
    expect(await unitCodes('parentCode=PLG&status=archived')).toEqual(['KEC-T6']);
  });

  it('refuses a new unit under an archived parent', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-T7',
      name: 'Kecamatan Uji Tujuh',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    await call('POST', '/directory/units/KEC-T7/archive', { version: 1 });
    const response = await call('POST', '/directory/units', {
      code: 'KEL-T7',
      name: 'Kelurahan Uji Tujuh',
      type: 'kelurahan',
      parentCode: 'KEC-T7',
    });
    expect(response.status).toBe(422);
    expect((await json(response)).errors[0].message).toBe('Unit induk KEC-T7 sudah diarsipkan');
  });
});

describe('heads and approvers on the demo directory', () => {
  const at = (iso: string) => `at=${encodeURIComponent(iso)}`;
  const person = (name: string) => demoPeople.find((p) => p.name === name)!.id;

  it('escalates a vacant puskesmas to the Plt. of the health office', async () => {
    const unit = await json(await call('GET', `/directory/units/PKM-MERDEKA?${at('2026-03-10T10:00:00+07:00')}`));
    expect(unit.approver).toMatchObject({
      headOf: 'DINKES',
      person: { id: person('Ratna Sari') },
      basis: 'acting:Plt',
      reason: 'escalated-from:PKM-MERDEKA',
    });
  });

  it('names the Plh. while the appointment runs, and the holder after it', async () => {
    const during = await json(await call('GET', `/directory/units/PKM-DEMPO?${at('2026-06-30T23:59:00+07:00')}`));
    expect(during.approver).toMatchObject({ person: { id: person('Rudi Hartono') }, reason: 'acting:Plh' });
    const after = await json(await call('GET', `/directory/units/PKM-DEMPO?${at('2026-07-01T00:00:00+07:00')}`));
    expect(after.approver).toMatchObject({ person: { id: person('Nur Aini') }, reason: 'holder' });
  });

  it('escalates a chain of vacancies up to the city', async () => {
    const unit = await json(await call('GET', '/directory/units/KEL-SAKO'));
    expect(unit.approver).toMatchObject({
      headOf: 'PLG',
      title: 'Wali Kota',
      reason: 'escalated-from:KEL-SAKO',
      vacant: ['KEL-SAKO', 'KEC-14'],
    });
  });

  it('makes a head vacant, then refuses a stale version with 409', async () => {
    const before = await json(await call('GET', '/directory/units/DISDIK'));
    const vacant = await call('PUT', '/directory/units/DISDIK/head', { version: before.head.version, holderId: null });
    expect(vacant.status).toBe(200);
    expect(await json(vacant)).not.toHaveProperty('holder');
    expect((await json(await call('GET', '/directory/units/SD-N1'))).approver).toMatchObject({
      headOf: 'PLG',
      vacant: ['SD-N1', 'DISDIK'],
    });
    const stale = await call('PUT', '/directory/units/DISDIK/head', { version: before.head.version, holderId: null });
    expect(stale.status).toBe(409);
  });

  it('refuses a head who is not in the directory, writing nothing', async () => {
    const response = await call('PUT', '/directory/units/PKM-SAKO/head', {
      version: 0,
      holderId: '01KDVDNA00M8EQSY3JERTFD0ZZ',
    });
    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([
      { field: 'holderId', message: 'Orang ini tidak ditemukan di direktori' },
    ]);
    expect((await json(await call('GET', '/directory/units/PKM-SAKO'))).head).toBeUndefined();
  });
});

describe('people through the API', () => {
  it('masks phone numbers in listings and shows them in full to admins only', async () => {
    const created = await call('POST', '/directory/people', {
      name: 'Siti Telepon',
      email: 'siti.telepon@palembang.local',
      phone: '0812-3456-7789',
      employeeType: 'PPPK',
      unitCode: 'DINSOS',
    });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const listing = await json(
      await call('GET', '/directory/people?unitCode=DINSOS', undefined, { token: operatorToken }),
    );
    expect(listing.people).toEqual([expect.objectContaining({ id, phoneMasked: '0812****789' })]);
    expect(JSON.stringify(listing)).not.toContain('081234567789');
    const asOperator = await json(await call('GET', `/directory/people/${id}`, undefined, { token: operatorToken }));
    expect(asOperator).not.toHaveProperty('phone');
    expect(asOperator.phoneMasked).toBe('0812****789');
    expect((await json(await call('GET', `/directory/people/${id}`))).phone).toBe('081234567789');
  });

  it('refuses an email that another person has with 409', async () => {
    const response = await call('POST', '/directory/people', {
      name: 'Orang Lain',
      email: 'WALIKOTA@palembang.local',
      employeeType: 'PNS',
    });
    expect(response.status).toBe(409);
  });

  it('changes a person based on the version read, and refuses a stale one with 409', async () => {
    const { id } = await json(
      await call('POST', '/directory/people', {
        name: 'Budi Pindah',
        email: 'budi.pindah@palembang.local',
        employeeType: 'PNS',
      }),
    );
    const changed = await call('PATCH', `/directory/people/${id}`, { version: 1, email: 'budi.baru@palembang.local' });
    expect(changed.status).toBe(200);
    expect(await json(changed)).toMatchObject({ email: 'budi.baru@palembang.local', version: 2 });
    // The old address is free again, the new one taken.
    const reuse = await call('POST', '/directory/people', {
      name: 'Budi Lama',
      email: 'budi.pindah@palembang.local',
      employeeType: 'PNS',
    });
    expect(reuse.status).toBe(201);
    const stale = await call('PATCH', `/directory/people/${id}`, { version: 1, name: 'Budi Basi' });
    expect(stale.status).toBe(409);
  });

  it('keeps only an HMAC and a masked form of a NIP, and gives one NIP to one person', async () => {
    const created = await call('POST', '/directory/people', {
      name: 'Rina NIP',
      email: 'rina.nip@palembang.local',
      employeeType: 'PNS',
      nip: '19850315 201001 1 002',
    });
    expect(created.status).toBe(201);
    const person = await json(created);
    expect(person.nipMasked).toBe('1985***********002');
    expect(person).not.toHaveProperty('nip');
    expect(person).not.toHaveProperty('nipHash');

    const item = (
      await cloud.dynamodb.send(
        new GetItemCommand({
          TableName: domainTable(),
          Key: { PK: { S: `PERSON#${person.id}` }, SK: { S: 'PERSON' } },
        }),
      )
    ).Item!;
    expect(item.nipHash?.S).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(item)).not.toContain('198503152010011002');
    const claimKey = { PK: { S: `PERSON_NIP#${item.nipHash!.S}` }, SK: { S: 'PERSON_NIP' } };
    const claim = await cloud.dynamodb.send(new GetItemCommand({ TableName: domainTable(), Key: claimKey }));
    expect(claim.Item?.personId).toEqual({ S: person.id });

    const twice = await call('POST', '/directory/people', {
      name: 'Rina Kembar',
      email: 'rina.kembar@palembang.local',
      employeeType: 'PNS',
      nip: '198503152010011002',
    });
    expect(twice.status).toBe(409);
    expect((await json(twice)).detail).toBe('NIP ini sudah terdaftar untuk orang lain di direktori');

    const removed = await call('PATCH', `/directory/people/${person.id}`, { version: 1, nip: null });
    expect(removed.status).toBe(200);
    expect(await json(removed)).not.toHaveProperty('nipMasked');
    expect(
      (await cloud.dynamodb.send(new GetItemCommand({ TableName: domainTable(), Key: claimKey }))).Item,
    ).toBeUndefined();
  });

  it('lists the head positions a person holds or acts in', async () => {
    const detail = await json(
      await call('GET', `/directory/people/${demoPeople.find((p) => p.name === 'Ratna Sari')!.id}`),
    );
    expect(detail.positions).toEqual([{ unitCode: 'DINKES', positionId: 'kepala', title: 'Kepala Dinas', as: 'Plt' }]);
  });
});

describe('admin routes', () => {
  const adminRoutes: [string, string, unknown, string?][] = [
    ['POST', '/directory/units', { code: 'KEC-OP', name: 'Kecamatan Operator', type: 'kecamatan', parentCode: 'PLG' }],
    ['PATCH', '/directory/units/DINKES', { version: 1, name: 'Dinas Kesehatan Operator' }],
    ['POST', '/directory/units/PKM-KENTEN/archive', { version: 1 }],
    ['PUT', '/directory/units/DINKES/head', { version: 1, holderId: null }],
    ['POST', '/directory/people', { name: 'Operator Baru', email: 'op.baru@palembang.local', employeeType: 'PNS' }],
    ['PATCH', `/directory/people/${demoPeople[0]!.id}`, { version: 1, name: 'Nama Operator' }],
    ['POST', '/directory/import/units', 'kode,nama,jenis,induk\nKEC-OP2,Kecamatan Op,kecamatan,PLG', 'text/csv'],
    ['POST', '/directory/import/people', 'nama,email,jenis_pegawai\nOp Satu,op1@palembang.local,PNS', 'text/csv'],
  ];

  for (const [method, path, body, contentType] of adminRoutes) {
    it(`refuses an operator on ${method} ${path} with 403, changing nothing`, async () => {
      const response = await call(method, path, body, {
        token: operatorToken,
        ...(contentType ? { contentType } : {}),
      });
      expect(response.status).toBe(403);
    });
  }

  it('left everything the operator tried unchanged', async () => {
    expect(await storedUnit('KEC-OP')).toBeUndefined();
    expect(await storedUnit('KEC-OP2')).toBeUndefined();
    expect((await storedUnit('DINKES'))?.name).toEqual({ S: 'Dinas Kesehatan' });
    expect((await storedUnit('PKM-KENTEN'))?.status).toEqual({ S: 'active' });
  });

  it('refuses a caller without a token with 401', async () => {
    const response = await fetch(`${cloud.url}/directory/units`);
    expect(response.status).toBe(401);
  });
});

describe('CSV import of units', () => {
  it('writes nothing from a file with bad rows and reports each of them', async () => {
    const csv = [
      'kode,nama,jenis,induk',
      'KEC-B1,Kecamatan Baik,kecamatan,PLG',
      'KEL-B1,Kelurahan Yatim,kelurahan,KEC-HILANG',
      'KEL-B2,Kelurahan Dua,kelurahan,KEC-B1',
      'KEL-B2,Kelurahan Dua Lagi,kelurahan,KEC-B1',
      'KEL-B3,,kelurahan,KEC-B1',
      'KEL-B4,Kelurahan Empat,desa,KEC-B1',
      'KEL-B5,Kelurahan Lima,kelurahan,KEL-B6',
      'KEL-B6,Kelurahan Enam,kelurahan,KEL-B5',
    ].join('\r\n');
    const response = await call('POST', '/directory/import/units', csv, { contentType: 'text/csv' });
    expect(response.status).toBe(422);
    const problem = await json(response);
    expect(problem.detail).toBe(
      '6 baris bermasalah; tidak ada data yang ditulis. Perbaiki lalu impor ulang berkasnya.',
    );
    expect(problem.errors.map((e: { row: number; column: string }) => [e.row, e.column])).toEqual([
      [3, 'induk'],
      [5, 'kode'],
      [6, 'nama'],
      [7, 'jenis'],
      [8, 'induk'],
      [9, 'induk'],
    ]);
    expect(problem.errors[0].message).toBe('Unit induk KEC-HILANG tidak ada di berkas maupun di direktori');
    expect(problem.errors[4].message).toBe('Membentuk siklus: KEL-B5 → KEL-B6 → KEL-B5');

    // Not even the good rows were written: neither the listing nor the table has them.
    const listed = await unitCodes('parentCode=PLG');
    expect(listed).not.toContain('KEC-B1');
    for (const code of ['KEC-B1', 'KEL-B1', 'KEL-B2', 'KEL-B3', 'KEL-B4', 'KEL-B5', 'KEL-B6']) {
      expect(await storedUnit(code), code).toBeUndefined();
    }
  });

  it('imports an Excel-style file (BOM, semicolons, quoted separators and line breaks) and re-imports it as unchanged', async () => {
    const csv = `\uFEFF${[
      'Kode;Nama;Jenis;Induk;Sektor;Layanan;Email_Kepala',
      'KEL-C1;"Kelurahan Satu, Ilir";kelurahan;KEC-C1;pemerintahan;"Surat pengantar | Surat keterangan; domisili";lurah.c1@palembang.local',
      'KEC-C1;"Kecamatan ""Cerdas""";kecamatan;PLG;pemerintahan;"Legalisasi\nSurat keterangan";',
      ';;;;;;',
      'KEL-C2;Kelurahan Dua;kelurahan;KEC-C1;;;',
    ].join('\r\n')}\r\n`;
    const response = await call('POST', '/directory/import/units', csv, { contentType: 'text/csv; charset=utf-8' });
    expect(response.status).toBe(200);
    const summary = await json(response);
    expect(summary).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0, transactions: 1 });

    const kecamatan = await json(await call('GET', '/directory/units/KEC-C1'));
    expect(kecamatan).toMatchObject({
      name: 'Kecamatan "Cerdas"',
      services: ['Legalisasi', 'Surat keterangan'],
      activeChildren: 2,
      children: [{ code: 'KEL-C2' }, { code: 'KEL-C1' }],
    });
    expect(kecamatan).not.toHaveProperty('headEmail');
    const kelurahan = await json(await call('GET', '/directory/units/KEL-C1'));
    expect(kelurahan).toMatchObject({
      name: 'Kelurahan Satu, Ilir',
      services: ['Surat pengantar', 'Surat keterangan; domisili'],
      headEmail: 'lurah.c1@palembang.local',
    });

    const again = await json(await call('POST', '/directory/import/units', csv, { contentType: 'text/csv' }));
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, transactions: 0 });
  });

  it('updates what changed and moves units between parents in one import', async () => {
    const csv = [
      'kode,nama,jenis,induk',
      'KEC-D1,Kecamatan D Satu,kecamatan,PLG',
      'KEC-D2,Kecamatan D Dua,kecamatan,PLG',
      'KEL-D1,Kelurahan D,kelurahan,KEC-D1',
    ].join('\n');
    expect((await call('POST', '/directory/import/units', csv, { contentType: 'text/csv' })).status).toBe(200);
    const moved = csv.replace('KEL-D1,Kelurahan D,kelurahan,KEC-D1', 'KEL-D1,Kelurahan D Pindah,kelurahan,KEC-D2');
    const summary = await json(await call('POST', '/directory/import/units', moved, { contentType: 'text/csv' }));
    expect(summary).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(summary.results).toContainEqual({ row: 4, key: 'KEL-D1', result: 'updated' });
    expect((await storedUnit('KEC-D1'))?.activeChildren).toEqual({ N: '0' });
    expect((await storedUnit('KEC-D2'))?.activeChildren).toEqual({ N: '1' });
    expect((await storedUnit('KEL-D1'))?.version).toEqual({ N: '2' });
  });

  it('imports more rows than one transaction holds, parents before children', async () => {
    const rows = ['kode,nama,jenis,induk'];
    for (let k = 0; k < 12; k++) {
      for (let l = 0; l < 10; l++) rows.push(`KEL-E${k}-${l},Kelurahan E ${k} ${l},kelurahan,KEC-E${k}`);
      rows.push(`KEC-E${k},Kecamatan E ${k},kecamatan,PLG`);
    }
    const summary = await json(
      await call('POST', '/directory/import/units', rows.join('\n'), { contentType: 'text/csv' }),
    );
    expect(summary).toMatchObject({ created: 132 });
    expect(summary.transactions).toBeGreaterThan(1);
    expect((await storedUnit('KEC-E11'))?.activeChildren).toEqual({ N: '10' });
    expect((await unitCodes('parentCode=KEC-E5')).length).toBe(10);
  });

  it('refuses a body that is not CSV with 415', async () => {
    const response = await call('POST', '/directory/import/units', { kode: 'X' });
    expect(response.status).toBe(415);
  });
});

describe('CSV import of people', () => {
  it('creates people matched by email, updates them on a second import, and masks phones in the listing', async () => {
    const csv = [
      'nama;email;telepon;jenis_pegawai;unit',
      'Rina Wati;rina@dinsos.palembang.local;0813 1111 2222;PNS;DINSOS',
      '"Joko, S.Kom.";joko@dinsos.palembang.local;;pppk;DINSOS',
    ].join('\n');
    const first = await json(await call('POST', '/directory/import/people', csv, { contentType: 'text/csv' }));
    expect(first).toMatchObject({ rows: 2, created: 2, updated: 0, unchanged: 0 });

    const changed = csv.replace('Rina Wati;', 'Rina Wati Lestari;');
    const second = await json(await call('POST', '/directory/import/people', changed, { contentType: 'text/csv' }));
    expect(second).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect(second.results[0].key).toBe(first.results[0].key);

    const listing = await json(await call('GET', '/directory/people?unitCode=DINSOS'));
    expect(listing.people).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Rina Wati Lestari', phoneMasked: '0813****222', version: 2 }),
        expect.objectContaining({ name: 'Joko, S.Kom.', employeeType: 'PPPK' }),
      ]),
    );
    expect(JSON.stringify(listing)).not.toContain('081311112222');
  });

  it('imports NIPs as hashes, and refuses one that belongs to another person', async () => {
    const csv = 'nama,email,jenis_pegawai,nip\nDedi NIP,dedi.nip@palembang.local,PNS,"19790101 200501 1 003"';
    const summary = await json(await call('POST', '/directory/import/people', csv, { contentType: 'text/csv' }));
    expect(summary).toMatchObject({ created: 1 });
    const detail = await json(await call('GET', `/directory/people/${summary.results[0].key}`));
    expect(detail.nipMasked).toBe('1979***********003');
    const taken = 'nama,email,jenis_pegawai,nip\nOrang Lain,orang.lain@palembang.local,PNS,197901012005011003';
    const response = await call('POST', '/directory/import/people', taken, { contentType: 'text/csv' });
    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'nip',
        message: 'NIP ini sudah terdaftar untuk orang lain di direktori',
      }),
    ]);
  });

  it('writes nothing from a file with a bad row', async () => {
    const csv = 'nama,email,jenis_pegawai,unit\nAman Sentosa,aman@x.local,PNS,DINSOS\nTono,tono@x.local,honorer,DINSOS';
    const response = await call('POST', '/directory/import/people', csv, { contentType: 'text/csv' });
    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([
      expect.objectContaining({ row: 3, column: 'jenis_pegawai', message: 'Jenis pegawai harus PNS atau PPPK' }),
    ]);
    const listing = await json(await call('GET', '/directory/people?unitCode=DINSOS'));
    expect(listing.people.map((p: { email: string }) => p.email)).not.toContain('aman@x.local');
  });
});

describe('invariants held by the table when two admins race', () => {
  const now = new Date();
  const documents = () =>
    DynamoDBDocumentClient.from(cloud.dynamodb, { marshallOptions: { removeUndefinedValues: true } });

  /** The table's client, letting `meanwhile` (another admin's change) run just before the first transaction. */
  const racing = (meanwhile: () => Promise<unknown>): Documents => {
    let raced = false;
    const client = documents();
    return {
      send: (async (command: unknown) => {
        if (!raced && command instanceof TransactWriteCommand) {
          raced = true;
          await meanwhile();
        }
        return client.send(command as never);
      }) as Documents['send'],
    };
  };

  it('refuses an update when the unit changed between its read and its write, keeping the other change', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-R1',
      name: 'Kecamatan Balapan',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    const other = () =>
      updateUnit(documents(), domainTable(), 'KEC-R1', { version: 1, name: 'Perubahan Pertama' }, now);
    const late = updateUnit(racing(other), domainTable(), 'KEC-R1', { version: 1, name: 'Perubahan Kedua' }, now);
    await expect(late).rejects.toMatchObject({ kind: 'conflict' });
    expect(await storedUnit('KEC-R1')).toMatchObject({ name: { S: 'Perubahan Pertama' }, version: { N: '2' } });
  });

  it('refuses to archive a unit that got a child between the check and the write', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-R2',
      name: 'Kecamatan Balapan Dua',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    const child = () =>
      createUnit(
        documents(),
        domainTable(),
        { code: 'KEL-R2', name: 'Kelurahan Balapan', type: 'kelurahan', parentCode: 'KEC-R2', services: [] },
        now,
      );
    await expect(archiveUnit(racing(child), domainTable(), 'KEC-R2', 1, now)).rejects.toMatchObject({
      kind: 'conflict',
    });
    expect(await storedUnit('KEC-R2')).toMatchObject({ status: { S: 'active' }, activeChildren: { N: '1' } });
    expect(await storedUnit('KEL-R2')).toBeDefined();
  });

  it('refuses a child under a unit archived between the check and the write', async () => {
    await call('POST', '/directory/units', {
      code: 'KEC-R3',
      name: 'Kecamatan Balapan Tiga',
      type: 'kecamatan',
      parentCode: 'PLG',
    });
    const archive = () => archiveUnit(documents(), domainTable(), 'KEC-R3', 1, now);
    const late = createUnit(
      racing(archive),
      domainTable(),
      { code: 'KEL-R3', name: 'Kelurahan Terlambat', type: 'kelurahan', parentCode: 'KEC-R3', services: [] },
      now,
    );
    await expect(late).rejects.toMatchObject({ kind: 'invalid' });
    expect(await storedUnit('KEL-R3')).toBeUndefined();
  });
});
