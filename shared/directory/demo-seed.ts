import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { seedKeys, staffKeys, unitKeys } from '#shared/db/keys';

export type UnitType = 'kota' | 'kecamatan' | 'kelurahan' | 'puskesmas' | 'sekolah' | 'dinas' | 'badan';

export interface DemoUnit {
  code: string;
  name: string;
  type: UnitType;
  parentCode?: string;
  sector?: string;
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

const putOnce = async (client: DynamoDBDocumentClient, table: string, item: Record<string, unknown>) => {
  try {
    await client.send(
      new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
    );
  } catch (error) {
    // Already there (an earlier, interrupted seed, or edited since): leave it as it is.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
};

/**
 * Writes the demo organisation and staff once. Items that exist are left alone, and the marker is written last,
 * so an interrupted seed completes on the next start without overwriting edits.
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
    await putOnce(client, table, {
      ...unitKeys(unit.code, unit.type, unit.name, unit.parentCode),
      _v: 1,
      entity: 'unit',
      ...unit,
      createdAt: at,
    });
  }
  for (const person of demoStaff) {
    await putOnce(client, table, {
      ...staffKeys(person.sub, person.officeCode, person.name),
      _v: 1,
      entity: 'staff',
      ...person,
      status: 'active',
      createdAt: at,
    });
  }
  await putOnce(client, table, { ...seedKeys('demo'), _v: 1, appliedAt: at });
  return { seeded: true, units: demoUnits.length, staff: demoStaff.length };
};
