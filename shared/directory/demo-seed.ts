import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { personEmailKeys, seedKeys, staffKeys, unitKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { isConditionFailure } from '#shared/db/transact';
import { personPut } from './people.ts';
import { positionPut } from './positions.ts';
import { type Acting, HEAD_POSITION, HEAD_TITLES, type StoredPerson, type UnitType } from './schemas.ts';

export interface DemoUnit {
  code: string;
  name: string;
  type: UnitType;
  parentCode?: string;
  sector?: string;
  services?: string[];
}

export interface DemoStaff {
  sub: string;
  name: string;
  email: string;
  groups: string[];
  officeCode: string;
}

const CITY = 'PLG';

// Palembang's 18 kecamatan (domain.md), coded KEC-<n> in alphabetical order.
const KECAMATAN = [
  'Alang-Alang Lebar',
  'Bukit Kecil',
  'Gandus',
  'Ilir Barat I',
  'Ilir Barat II',
  'Ilir Timur I',
  'Ilir Timur II',
  'Ilir Timur III',
  'Jakabaring',
  'Kalidoni',
  'Kemuning',
  'Kertapati',
  'Plaju',
  'Sako',
  'Sematang Borang',
  'Seberang Ulu I',
  'Seberang Ulu II',
  'Sukarami',
];

const kecamatanCode = (name: string) => `KEC-${String(KECAMATAN.indexOf(name) + 1).padStart(2, '0')}`;

/** The demo organisation: the city, its kecamatan, some kelurahan, puskesmas, schools and offices. */
export const demoUnits: DemoUnit[] = [
  { code: CITY, name: 'Pemerintah Kota Palembang', type: 'kota' },
  ...KECAMATAN.map((name) => ({
    code: kecamatanCode(name),
    name: `Kecamatan ${name}`,
    type: 'kecamatan' as const,
    parentCode: CITY,
    sector: 'pemerintahan',
  })),
  { code: 'KEL-26ILIR', name: 'Kelurahan 26 Ilir', type: 'kelurahan', parentCode: kecamatanCode('Bukit Kecil') },
  { code: 'KEL-TLGSEMUT', name: 'Kelurahan Talang Semut', type: 'kelurahan', parentCode: kecamatanCode('Bukit Kecil') },
  { code: 'KEL-PLAJUULU', name: 'Kelurahan Plaju Ulu', type: 'kelurahan', parentCode: kecamatanCode('Plaju') },
  { code: 'KEL-SAKO', name: 'Kelurahan Sako', type: 'kelurahan', parentCode: kecamatanCode('Sako') },
  { code: 'BKPSDM', name: 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia', type: 'badan', parentCode: CITY },
  { code: 'DINKES', name: 'Dinas Kesehatan', type: 'dinas', parentCode: CITY, sector: 'kesehatan' },
  { code: 'DISDIK', name: 'Dinas Pendidikan', type: 'dinas', parentCode: CITY, sector: 'pendidikan' },
  {
    code: 'PUPR',
    name: 'Dinas Pekerjaan Umum dan Penataan Ruang',
    type: 'dinas',
    parentCode: CITY,
    sector: 'pekerjaan-umum',
  },
  { code: 'DINSOS', name: 'Dinas Sosial', type: 'dinas', parentCode: CITY, sector: 'sosial' },
  {
    code: 'DUKCAPIL',
    name: 'Dinas Kependudukan dan Pencatatan Sipil',
    type: 'dinas',
    parentCode: CITY,
    sector: 'administrasi-kependudukan',
  },
  { code: 'PKM-DEMPO', name: 'Puskesmas Dempo', type: 'puskesmas', parentCode: 'DINKES', sector: 'kesehatan' },
  { code: 'PKM-MERDEKA', name: 'Puskesmas Merdeka', type: 'puskesmas', parentCode: 'DINKES', sector: 'kesehatan' },
  { code: 'PKM-PLAJU', name: 'Puskesmas Plaju', type: 'puskesmas', parentCode: 'DINKES', sector: 'kesehatan' },
  { code: 'PKM-SAKO', name: 'Puskesmas Sako', type: 'puskesmas', parentCode: 'DINKES', sector: 'kesehatan' },
  { code: 'PKM-KENTEN', name: 'Puskesmas Kenten', type: 'puskesmas', parentCode: 'DINKES', sector: 'kesehatan' },
  { code: 'SD-N1', name: 'SD Negeri 1 Palembang', type: 'sekolah', parentCode: 'DISDIK', sector: 'pendidikan' },
  { code: 'SMP-N1', name: 'SMP Negeri 1 Palembang', type: 'sekolah', parentCode: 'DISDIK', sector: 'pendidikan' },
  { code: 'SMP-N9', name: 'SMP Negeri 9 Palembang', type: 'sekolah', parentCode: 'DISDIK', sector: 'pendidikan' },
];

/** Staff behind the dev tokens `npm start` prints, one per role. Names are fictional. */
export const demoStaff: DemoStaff[] = [
  {
    sub: 'dev-admin',
    name: 'Rahmat Hidayat',
    email: 'admin@bkpsdm.palembang.local',
    groups: ['admin'],
    officeCode: 'BKPSDM',
  },
  {
    sub: 'dev-operator-dinkes',
    name: 'Siti Aminah',
    email: 'operator@dinkes.palembang.local',
    groups: ['operator'],
    officeCode: 'DINKES',
  },
  {
    sub: 'dev-operator-disdik',
    name: 'Bambang Saputra',
    email: 'operator@disdik.palembang.local',
    groups: ['operator'],
    officeCode: 'DISDIK',
  },
  {
    sub: 'dev-unit-head',
    name: 'Dewi Lestari',
    email: 'camat@iti.palembang.local',
    groups: ['unit-head'],
    officeCode: kecamatanCode('Ilir Timur I'),
  },
];

// Jenis layanan shown on the survey form; by type, with the offices that serve citizens directly named apart.
const SERVICES: Record<string, string[] | undefined> = {
  kecamatan: ['Surat keterangan', 'Rekomendasi izin usaha mikro', 'Legalisasi dokumen'],
  kelurahan: ['Surat pengantar', 'Surat keterangan domisili', 'Surat keterangan tidak mampu'],
  puskesmas: ['Pemeriksaan umum', 'Kesehatan ibu dan anak', 'Imunisasi', 'Pemeriksaan gigi'],
  sekolah: ['Penerimaan peserta didik baru', 'Legalisasi ijazah', 'Surat keterangan pindah'],
  DUKCAPIL: ['KTP elektronik', 'Kartu keluarga', 'Akta kelahiran', 'Akta kematian'],
  BKPSDM: ['Kenaikan pangkat', 'Pengembangan kompetensi (diklat)', 'Layanan pensiun'],
};

/**
 * People of the demo directory (fictional), with fixed ids so that docs and manual checks can name them. The camat
 * of Ilir Timur I is the dev unit-head staff member.
 */
export const demoPeople: Omit<StoredPerson, 'version' | 'createdAt' | 'updatedAt'>[] = [
  {
    id: '01KDVDNA00M8EQSY3JERTFD0MW',
    name: 'Ahmad Fauzi',
    email: 'walikota@palembang.local',
    employeeType: 'PNS',
    unitCode: CITY,
  },
  {
    id: '01KDVDNA0150FFE4E7RRZGEQSX',
    name: 'Hendra Gunawan',
    email: 'kepala@bkpsdm.palembang.local',
    employeeType: 'PNS',
    unitCode: 'BKPSDM',
  },
  {
    id: '01KDVDNA02SMMX9ZBTMPJ7NJGX',
    name: 'Ratna Sari',
    email: 'sekretaris@dinkes.palembang.local',
    phone: '081234567789',
    employeeType: 'PNS',
    unitCode: 'DINKES',
  },
  {
    id: '01KDVDNA03AZWJHWZC17SEMBKW',
    name: 'Yusuf Maulana',
    email: 'kepala@disdik.palembang.local',
    employeeType: 'PNS',
    unitCode: 'DISDIK',
  },
  {
    id: '01KDVDNA04FE9RCHBWT5EG6B5M',
    name: 'Dewi Lestari',
    email: 'camat@iti.palembang.local',
    employeeType: 'PNS',
    unitCode: kecamatanCode('Ilir Timur I'),
  },
  {
    id: '01KDVDNA05MW23RCX687T3PT33',
    name: 'Agus Salim',
    email: 'camat@bukitkecil.palembang.local',
    employeeType: 'PNS',
    unitCode: kecamatanCode('Bukit Kecil'),
  },
  {
    id: '01KDVDNA065SW6KANWJRA9M9TN',
    name: 'Nur Aini',
    email: 'kapus@dempo.palembang.local',
    phone: '0711352110',
    employeeType: 'PNS',
    unitCode: 'PKM-DEMPO',
  },
  {
    id: '01KDVDNA07DH8M93RTZWZKP8PY',
    name: 'Rudi Hartono',
    email: 'tu@dempo.palembang.local',
    employeeType: 'PPPK',
    unitCode: 'PKM-DEMPO',
  },
];

const person = (name: string) => demoPeople.find((p) => p.name === name)!.id;

/**
 * Heads of the demo units, so approver resolution has every case on real data: held (the city, BKPSDM, DISDIK,
 * two kecamatan, PKM-DEMPO), a vacancy filled by a Plt. (DINKES), a Plh. standing in for a holder for a while
 * (PKM-DEMPO in the first half of 2026), and vacancies that escalate (every unit not listed: KEL-26ILIR goes to the
 * camat of Bukit Kecil, PKM-MERDEKA to the Plt. of DINKES, KEL-SAKO through Kecamatan Sako to the city).
 */
export const demoHeads: { unitCode: string; holderId?: string; acting?: Acting }[] = [
  { unitCode: CITY, holderId: person('Ahmad Fauzi') },
  { unitCode: 'BKPSDM', holderId: person('Hendra Gunawan') },
  {
    unitCode: 'DINKES',
    acting: { personId: person('Ratna Sari'), kind: 'Plt', from: '2026-01-05' },
  },
  { unitCode: 'DISDIK', holderId: person('Yusuf Maulana') },
  { unitCode: kecamatanCode('Ilir Timur I'), holderId: person('Dewi Lestari') },
  { unitCode: kecamatanCode('Bukit Kecil'), holderId: person('Agus Salim') },
  {
    unitCode: 'PKM-DEMPO',
    holderId: person('Nur Aini'),
    acting: { personId: person('Rudi Hartono'), kind: 'Plh', from: '2026-01-01', until: '2026-06-30' },
  },
];

const withoutUndefined = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));

const putOnce = async (client: DynamoDBDocumentClient, table: string, item: Record<string, unknown>) => {
  try {
    await client.send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  } catch (error) {
    // Already there (an earlier, interrupted seed, or edited since): leave it as it is.
    if (!isConditionFailure(error)) throw error;
  }
};

/**
 * Writes the demo organisation, people, heads and staff once. Items that exist are left alone, and the marker is
 * written last, so an interrupted seed completes on the next start without overwriting edits.
 */
export const seedDemoData = async (
  client: DynamoDBDocumentClient,
  table: string,
  now: Date,
): Promise<{ seeded: boolean; units: number; staff: number }> => {
  const marker = await client.send(new GetCommand({ TableName: table, Key: seedKeys('demo'), ConsistentRead: true }));
  if (marker.Item) return { seeded: false, units: demoUnits.length, staff: demoStaff.length };
  const at = now.toISOString();
  for (const unit of demoUnits) {
    await putOnce(
      client,
      table,
      withoutUndefined({
        ...unitKeys(unit.code, unit.type, unit.name, unit.parentCode),
        ...migrations.stamp('unit', {}),
        ...unit,
        services: unit.services ?? SERVICES[unit.code] ?? SERVICES[unit.type] ?? [],
        status: 'active',
        // The counter archive checks: written with the children, so the seed starts consistent.
        activeChildren: demoUnits.filter((u) => u.parentCode === unit.code).length,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }),
    );
  }
  for (const p of demoPeople) {
    const stored: StoredPerson = { ...p, version: 1, createdAt: at, updatedAt: at };
    await putOnce(client, table, personPut(table, stored).Item!);
    await putOnce(client, table, migrations.stamp('person-email', { ...personEmailKeys(p.email), personId: p.id }));
  }
  for (const head of demoHeads) {
    const type = demoUnits.find((u) => u.code === head.unitCode)!.type;
    const position = positionPut(table, {
      unitCode: head.unitCode,
      positionId: HEAD_POSITION,
      title: HEAD_TITLES[type],
      ...(head.holderId ? { holderId: head.holderId } : {}),
      ...(head.acting ? { acting: head.acting } : {}),
      version: 1,
      updatedAt: at,
    });
    await putOnce(client, table, position.Item!);
  }
  for (const member of demoStaff) {
    await putOnce(
      client,
      table,
      migrations.stamp('staff', {
        ...staffKeys(member.sub, member.officeCode, member.name),
        ...member,
        status: 'active',
        createdAt: at,
      }),
    );
  }
  await putOnce(client, table, { ...seedKeys('demo'), _v: 1, appliedAt: at });
  return { seeded: true, units: demoUnits.length, staff: demoStaff.length };
};
