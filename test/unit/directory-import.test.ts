import { describe, expect, it } from 'vitest';
import { type ImportRowError, planPeopleImport, planUnitImport, unitTransactions } from '#shared/directory/import';
import { maskNip, maskPhone } from '#shared/directory/people';
import type { StoredPerson, Unit } from '#shared/directory/schemas';
import { InvalidError } from '#shared/errors';

const now = new Date('2026-03-10T03:00:00Z');
const stored = (code: string, parentCode?: string, extra: Partial<Unit> = {}): Unit => ({
  code,
  name: `Unit ${code}`,
  type: parentCode ? 'kecamatan' : 'kota',
  ...(parentCode ? { parentCode } : {}),
  services: [],
  status: 'active',
  activeChildren: 0,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const table = [stored('PLG'), stored('KEC-01', 'PLG', { activeChildren: 1 }), stored('KEL-01', 'KEC-01')];

/** The row errors a plan is refused with. */
const rowErrors = (plan: () => unknown): ImportRowError[] => {
  try {
    plan();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidError);
    return (error as InvalidError).errors as ImportRowError[];
  }
  throw new Error('the plan was accepted');
};

describe('planUnitImport', () => {
  it('plans created, updated and unchanged rows, parents before children', () => {
    const csv = [
      'kode;nama;jenis;induk',
      'KEL-NEW;Kelurahan Baru;kelurahan;KEC-NEW',
      'KEC-NEW;Kecamatan Baru;kecamatan;PLG',
      'KEC-01;Unit KEC-01;kecamatan;PLG',
      'KEL-01;Kelurahan Satu;kelurahan;KEC-01',
    ].join('\n');
    const plan = planUnitImport(csv, table, now);
    expect(plan.writes.map((w) => [w.unit.code, w.before ? 'updated' : 'created'])).toEqual([
      ['KEC-NEW', 'created'],
      ['KEL-NEW', 'created'],
      ['KEL-01', 'updated'],
    ]);
    expect(plan.unchanged).toEqual([{ row: 4, code: 'KEC-01' }]);
    expect(plan.writes.find((w) => w.unit.code === 'KEL-01')?.unit.version).toBe(4);
  });

  it('reports every bad row with its row, column and an Indonesian message, and plans nothing', () => {
    const csv = [
      'kode,nama,jenis,induk',
      'KEC-02,Kecamatan Dua,kecamatan,NOPE', // 2: unknown parent
      'KEC-03,Kecamatan Tiga,kecamatan,PLG',
      'KEC-03,Kecamatan Tiga Lagi,kecamatan,PLG', // 4: duplicate code
      'KEC-04,,kecamatan,PLG', // 5: missing name
      'KEC-05,Kecamatan Lima,desa,PLG', // 6: bad type
      'CYC-A,Siklus A,kelurahan,CYC-B', // 7 and 8: a cycle
      'CYC-B,Siklus B,kelurahan,CYC-A',
    ].join('\n');
    const errors = rowErrors(() => planUnitImport(csv, table, now));
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'induk'],
      [4, 'kode'],
      [5, 'nama'],
      [6, 'jenis'],
      [7, 'induk'],
      [8, 'induk'],
    ]);
    expect(errors[0]!.message).toBe('Unit induk NOPE tidak ada di berkas maupun di direktori');
    expect(errors[1]!.message).toBe('Kode KEC-03 sudah dipakai pada baris 3');
    expect(errors[3]!.message).toContain('Jenis unit harus salah satu dari');
    expect(errors[4]!.message).toBe('Membentuk siklus: CYC-A → CYC-B → CYC-A');
  });

  it('refuses a move that closes a cycle through stored units', () => {
    const csv = 'kode,nama,jenis,induk\nKEC-01,Unit KEC-01,kecamatan,KEL-01';
    const errors = rowErrors(() => planUnitImport(csv, table, now));
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, column: 'induk', message: expect.stringContaining('siklus') }),
    ]);
  });

  it('refuses a parent that is archived', () => {
    const archived = [...table, stored('KEC-09', 'PLG', { status: 'archived' })];
    const errors = rowErrors(() =>
      planUnitImport('kode,nama,jenis,induk\nKEL-9,Kel Sembilan,kelurahan,KEC-09', archived, now),
    );
    expect(errors[0]!.message).toBe('Unit induk KEC-09 sudah diarsipkan');
  });

  it('refuses a file without a required column, or with an unknown one, at row 1', () => {
    expect(rowErrors(() => planUnitImport('kode,nama\nA,B', table, now))).toEqual([
      expect.objectContaining({ row: 1, message: 'Kolom wajib "jenis" tidak ada' }),
      expect.objectContaining({ row: 1, message: 'Kolom wajib "induk" tidak ada' }),
    ]);
    expect(
      rowErrors(() => planUnitImport('kode,nama,jenis,induk,warna\nA,Bbb,kota,', table, now))[0]!.message,
    ).toContain('Kolom "warna" tidak dikenal');
  });

  it('keeps stored values of columns the file leaves out, and clears those it leaves empty', () => {
    const withServices = [stored('PLG'), stored('KEC-01', 'PLG', { services: ['KTP'], sector: 'pemerintahan' })];
    const kept = planUnitImport('kode,nama,jenis,induk\nKEC-01,Nama Baru,kecamatan,PLG', withServices, now);
    expect(kept.writes[0]!.unit).toMatchObject({ name: 'Nama Baru', services: ['KTP'], sector: 'pemerintahan' });
    const cleared = planUnitImport('kode,nama,jenis,induk,layanan\nKEC-01,Nama Baru,kecamatan,PLG,', withServices, now);
    expect(cleared.writes[0]!.unit.services).toEqual([]);
  });

  it('ignores columns without a header, as Excel exports trailing separators', () => {
    const plan = planUnitImport('kode;nama;jenis;induk;;;\nKEC-08;Kecamatan Delapan;kecamatan;PLG;;;\n', table, now);
    expect(plan.writes.map((w) => w.unit.code)).toEqual(['KEC-08']);
  });

  it('reads services separated by | or line breaks, codes in lower case, and a BOM', () => {
    const csv = '\uFEFFkode;nama;jenis;induk;layanan\nkec-07;"Kecamatan Tujuh; Baru";kecamatan;plg;"KTP | KK\nAkta"';
    const [write] = planUnitImport(csv, table, now).writes;
    expect(write!.unit).toMatchObject({
      code: 'KEC-07',
      parentCode: 'PLG',
      name: 'Kecamatan Tujuh; Baru',
      services: ['KTP', 'KK', 'Akta'],
    });
  });
});

describe('unitTransactions', () => {
  it('keeps every transaction within 100 items and writes each parent no later than its children', () => {
    const rows = ['kode,nama,jenis,induk'];
    for (let k = 0; k < 30; k++) {
      rows.push(`K${k},Kecamatan ${k},kecamatan,PLG`);
      for (let l = 0; l < 5; l++) rows.push(`K${k}-L${l},Kelurahan ${k} ${l},kelurahan,K${k}`);
    }
    const plan = planUnitImport(rows.join('\n'), table, now);
    const transactions = unitTransactions('t', plan.writes);
    expect(transactions.length).toBeGreaterThan(1);
    const seen = new Set<string>();
    for (const items of transactions) {
      expect(items.length).toBeLessThanOrEqual(100);
      for (const item of items) {
        if (!item.label?.startsWith('row ')) continue;
        const code = String(('update' in item ? item.update.Key : {})?.PK).replace('UNIT#', '');
        const parent = plan.writes.find((w) => w.unit.code === code)!.unit.parentCode!;
        if (parent !== 'PLG') expect(seen.has(parent), `${parent} before ${code}`).toBe(true);
        seen.add(code);
      }
    }
    expect(seen.size).toBe(180);
  });

  it('adds to the new parent and takes from the old one when a unit moves', () => {
    const withTwo = [...table, stored('KEC-02', 'PLG')];
    const plan = planUnitImport('kode,nama,jenis,induk\nKEL-01,Unit KEL-01,kecamatan,KEC-02', withTwo, now);
    const [items] = unitTransactions('t', plan.writes);
    const deltas = Object.fromEntries(
      items!.map((item) => [
        'update' in item ? String(item.update.Key?.PK) : '',
        'update' in item ? item.update.ExpressionAttributeValues?.[':delta'] : 0,
      ]),
    );
    expect(deltas).toEqual({ 'UNIT#KEL-01': 0, 'UNIT#KEC-02': 1, 'UNIT#KEC-01': -1 });
  });
});

describe('planPeopleImport', () => {
  const known = new Map<string, StoredPerson>([
    [
      'siti@dinkes.local',
      {
        id: '01KDVDNA02SMMX9ZBTMPJ7NJGX',
        name: 'Siti Aminah',
        email: 'siti@dinkes.local',
        employeeType: 'PNS',
        unitCode: 'DINKES',
        version: 2,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  ]);
  const units = new Map([
    ['DINKES', 'active' as const],
    ['OLD', 'archived' as const],
  ]);

  it('matches people on email: a known one is updated or unchanged, a new one created', () => {
    const csv = [
      'nama;email;telepon;jenis_pegawai;unit',
      'Siti Aminah;SITI@dinkes.local;;PNS;DINKES',
      'Budi Santoso;budi@dinkes.local;0812-3456-7789;pppk;DINKES',
    ].join('\n');
    const plan = planPeopleImport(csv, { known, units, nipOwners: new Map() }, now);
    expect(plan.unchanged).toEqual([{ row: 2, id: '01KDVDNA02SMMX9ZBTMPJ7NJGX' }]);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]!.person).toMatchObject({ name: 'Budi Santoso', phone: '081234567789', employeeType: 'PPPK' });
  });

  it('reports duplicate emails, unknown or archived units and bad values per row', () => {
    const csv = [
      'nama,email,jenis_pegawai,unit',
      'Budi Santoso,budi@x.local,PNS,DINKES',
      'Budi Lagi,BUDI@x.local,PNS,DINKES',
      'An,ani@x.local,PNS,NOPE',
      'Ana Lestari,ana@x.local,PNS,OLD',
      'Tono Sutono,bukan-email,honorer,',
    ].join('\n');
    const errors = rowErrors(() => planPeopleImport(csv, { known, units, nipOwners: new Map() }, now));
    expect(errors.map((e) => [e.row, e.column])).toEqual([
      [3, 'email'],
      [4, 'nama'],
      [4, 'unit'],
      [5, 'unit'],
      [6, 'email'],
      [6, 'jenis_pegawai'],
    ]);
  });
});

describe('NIPs in a people import', () => {
  const protect = (nip: string) => ({ nipHash: `hash-of-${nip.slice(-3)}`, nipMasked: maskNip(nip) });
  const header = 'nama,email,jenis_pegawai,nip';

  it('stores the hash and the masked form, never the NIP', () => {
    const plan = planPeopleImport(
      `${header}\nRina Wati,rina@x.local,PNS,19850315 201001 1 002`,
      { known: new Map(), units: new Map(), nipOwners: new Map(), protect },
      now,
    );
    const [write] = plan.writes;
    expect(write!.person).toMatchObject({ nipHash: 'hash-of-002', nipMasked: '1985***********002' });
    expect(JSON.stringify(write)).not.toContain('198503152010011002');
  });

  it('reports a NIP used twice in the file or held by someone else, without repeating it', () => {
    const csv = [
      header,
      'Rina Wati,rina@x.local,PNS,198503152010011002',
      'Rina Lain,rina2@x.local,PNS,198503152010011002',
      'Budi Santoso,budi@x.local,PNS,197001012000011001',
    ].join('\n');
    const errors = rowErrors(() =>
      planPeopleImport(
        csv,
        { known: new Map(), units: new Map(), nipOwners: new Map([['hash-of-001', 'someone']]), protect },
        now,
      ),
    );
    expect(errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [3, 'nip', 'NIP ini sudah dipakai pada baris 2'],
      [4, 'nip', 'NIP ini sudah terdaftar untuk orang lain di direktori'],
    ]);
  });

  it('refuses a NIP that is not 18 digits', () => {
    const errors = rowErrors(() =>
      planPeopleImport(
        `${header}\nRina Wati,rina@x.local,PNS,1985031520100`,
        { known: new Map(), units: new Map(), nipOwners: new Map(), protect },
        now,
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, column: 'nip', message: 'NIP harus terdiri dari 18 angka' }),
    ]);
  });
});

describe('maskPhone', () => {
  it('keeps the first four and last three digits', () => {
    expect(maskPhone('081234567789')).toBe('0812****789');
    expect(maskPhone('+6281234567789')).toBe('+628****789');
  });

  it('keeps only the last two digits of a short number', () => {
    expect(maskPhone('71135211')).toBe('****11');
  });
});
