import { describe, expect, it } from 'vitest';
import { parseNip } from '#shared/nip';

const today = new Date('2026-11-28T00:00:00Z');
const problem = (nip: string) => {
  const result = parseNip(nip, today);
  return result.ok ? undefined : result.problem.part;
};

describe('parseNip', () => {
  it('reads a valid NIP into birth date, service start, gender and sequence', () => {
    expect(parseNip('198503152010011002', today)).toEqual({
      ok: true,
      value: { nip: '198503152010011002', birthDate: '1985-03-15', serviceStart: '2010-01', gender: 'L', sequence: 2 },
    });
  });

  it('accepts the groups separated by spaces, dots or hyphens, as people type them', () => {
    const result = parseNip('19900229 201503 2 001', today);
    expect(result.ok).toBe(false); // 1990 is not a leap year: the separators are fine, the date is not
    const valid = parseNip('19920229.201503.2.001', today);
    expect(valid.ok && valid.value).toMatchObject({ birthDate: '1992-02-29', gender: 'P', sequence: 1 });
  });

  const table: [string, string, string][] = [
    ['wrong length', '19850315201001100', 'format'],
    ['non-digits', '19850315201001100A', 'format'],
    ['a birth date that is not a date', '198502302010011002', 'birthDate'],
    ['a birth month 13', '198513012010011002', 'birthDate'],
    ['a birth date in the future', '202701012010011002', 'birthDate'],
    ['a service start month 00', '198503152010001002', 'serviceStart'],
    ['a service start in the future', '198503152027011002', 'serviceStart'],
    ['a service start before age 18', '199005012008011002', 'age'],
    ['a gender digit 3', '198503152010013002', 'gender'],
    ['a gender digit 0', '198503152010010002', 'gender'],
    ['sequence 000', '198503152010011000', 'sequence'],
  ];
  for (const [what, nip, part] of table) {
    it(`names the wrong part for ${what}`, () => {
      expect(problem(nip)).toBe(part);
    });
  }

  it('gives each wrong part its own message', () => {
    const messages = new Set(
      table.map(([, nip]) => {
        const result = parseNip(nip, today);
        return result.ok ? '' : result.problem.message.replace(/\d+ angka\)/, 'n angka)');
      }),
    );
    // Six parts; the format part has two messages (length, digits).
    expect(messages.size).toBe(7);
  });

  it('accepts a service start exactly in the month of the 18th birthday', () => {
    expect(problem('199005012008051001')).toBeUndefined();
  });
});
