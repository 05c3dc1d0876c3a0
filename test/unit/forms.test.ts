import { describe, expect, it } from 'vitest';
import { compileForm, type FieldDefinition, FormFields } from '#shared/forms/definition';

const fields = FormFields.parse([
  { name: 'nama', label: 'Nama lengkap', type: 'text', required: true, minLength: 3 },
  { name: 'alasan', label: 'Alasan', type: 'longtext' },
  { name: 'jumlah', label: 'Jumlah peserta', type: 'number', required: true, min: 1, max: 30 },
  { name: 'tanggal', label: 'Tanggal', type: 'date' },
  {
    name: 'bidang',
    label: 'Bidang',
    type: 'select',
    required: true,
    options: [
      { value: 'kesehatan', label: 'Kesehatan' },
      { value: 'pendidikan', label: 'Pendidikan' },
    ],
  },
  {
    name: 'hari',
    label: 'Hari',
    type: 'multiselect',
    options: [
      { value: 'senin', label: 'Senin' },
      { value: 'selasa', label: 'Selasa' },
    ],
  },
  { name: 'email', label: 'Email', type: 'email', required: true },
  { name: 'telepon', label: 'Telepon', type: 'phone' },
  { name: 'nip', label: 'NIP', type: 'nip', required: true },
]) as FieldDefinition[];
const schema = compileForm(fields, () => new Date('2026-11-28T00:00:00Z'));

const valid = {
  nama: 'Siti Aminah',
  jumlah: '2',
  bidang: 'kesehatan',
  hari: 'senin',
  email: 'Siti@Dinkes.Palembang.go.id',
  telepon: '+62 812-3456-7890',
  nip: '19850315 201001 1 002',
  alasan: '',
};

describe('compileForm', () => {
  it('accepts a submission as an urlencoded form sends it, normalizing values', () => {
    expect(schema.parse(valid)).toEqual({
      nama: 'Siti Aminah',
      jumlah: 2,
      bidang: 'kesehatan',
      hari: ['senin'],
      email: 'siti@dinkes.palembang.go.id',
      telepon: '081234567890',
      nip: '198503152010011002',
    });
  });

  it('names every bad field at once', () => {
    const result = schema.safeParse({
      ...valid,
      nama: 'ab',
      jumlah: '31',
      bidang: 'hukum',
      email: 'x',
      nip: '198503152010013002',
    });
    expect(result.success).toBe(false);
    const fieldsWithErrors = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(fieldsWithErrors.sort()).toEqual(['bidang', 'email', 'jumlah', 'nama', 'nip']);
  });

  it('says which part of a NIP is wrong', () => {
    const result = schema.safeParse({ ...valid, nip: '198503152010013002' });
    expect(result.success ? '' : result.error.issues[0]!.message).toMatch(/jenis kelamin/);
  });

  it('refuses a blank required field and fields the form does not have', () => {
    const result = schema.safeParse({ ...valid, nama: '  ', __proto__x: 'y', admin: true });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : result.error.issues;
    expect(issues.find((i) => i.path.join('.') === 'nama')?.message).toBe('wajib diisi');
    expect(issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});

describe('FormFields', () => {
  it('refuses duplicate names, choices without options and invalid patterns', () => {
    const result = FormFields.safeParse([
      { name: 'a', label: 'A', type: 'text', pattern: '(' },
      { name: 'a', label: 'B', type: 'select' },
    ]);
    expect(result.success).toBe(false);
    const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['0.pattern', '1.options', '1.name']));
  });

  it('refuses patterns with a repetition inside a repetition, which could hold a submission for seconds', () => {
    for (const pattern of ['^([A-Za-z]+\\s?)+$', '(a+)+', '(x{2,})*']) {
      const result = FormFields.safeParse([{ name: 'nama', label: 'Nama', type: 'text', pattern }]);
      expect(result.success, pattern).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({
        path: [0, 'pattern'],
        message: expect.stringContaining('bersarang'),
      });
    }
    const schema = compileForm(
      FormFields.parse([{ name: 'kode', label: 'Kode', type: 'text', pattern: '^[A-Z]{2}-\\d{4}(-[A-Z])?$' }]),
      () => new Date(),
    );
    expect(schema.safeParse({ kode: `${'A'.repeat(5000)}!` }).success).toBe(false);
    expect(schema.safeParse({ kode: 'PB-2026-A' }).success).toBe(true);
  });
});
