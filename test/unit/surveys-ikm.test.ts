import { describe, expect, it } from 'vitest';
import { type ElementTally, elementGradeOf, gradeOf, ikmOf, nrrOf, roundHalfUp } from '#shared/surveys/ikm';
import { ELEMENT_KEYS_14_2017, INSTRUMENT_14_2017 } from '#shared/surveys/instrument';

const instrument = INSTRUMENT_14_2017;

/** Tallies of n respondents in which every element's scores add up to `elementSum`. */
const uniform = (n: number, elementSum: number): Record<string, ElementTally> =>
  Object.fromEntries(ELEMENT_KEYS_14_2017.map((key) => [key, { count: n, sum: elementSum }]));

/** Tallies of whole responses, each a list of nine scores in the order of ELEMENT_KEYS_14_2017. */
const tallyOf = (responses: number[][]): Record<string, ElementTally> =>
  Object.fromEntries(
    ELEMENT_KEYS_14_2017.map((key, i) => [
      key,
      { count: responses.length, sum: responses.reduce((sum, scores) => sum + scores[i]!, 0) },
    ]),
  );

describe('IKM of a small dataset', () => {
  // Three respondents (persyaratan, prosedur, waktu, biaya, produk, kompetensi, perilaku, sarana, pengaduan):
  //   R1: 4 4 3 3 4 3 4 3 3 = 31
  //   R2: 3 3 3 2 3 3 4 3 2 = 26
  //   R3: 4 3 2 3 3 4 4 2 3 = 28
  // Element sums: 11 10 8 8 10 10 12 8 8 (total 85); NRR = sum / 3.
  // IKM = 25 × Σ (1/9 × NRR) = 25 × 85 / (9 × 3) = 2125 / 27 = 78.7037… -> 78.70, in [76.61, 88.30]: B, Baik.
  const tallies = tallyOf([
    [4, 4, 3, 3, 4, 3, 4, 3, 3],
    [3, 3, 3, 2, 3, 3, 4, 3, 2],
    [4, 3, 2, 3, 3, 4, 4, 2, 3],
  ]);

  it('sums the scores and gives IKM 78.70, mutu B, kinerja Baik', () => {
    expect(ikmOf(instrument, tallies)).toEqual({
      ikm: { scaled: 7870, text: '78.70', value: 78.7 },
      mutu: 'B',
      kinerja: 'Baik',
    });
  });

  it('gives each element its NRR to 3 decimals: 11/3 = 3.667, 10/3 = 3.333, 8/3 = 2.667, 12/3 = 4.000', () => {
    expect(nrrOf(tallies.persyaratan!)?.text).toBe('3.667');
    expect(nrrOf(tallies.prosedur!)?.text).toBe('3.333');
    expect(nrrOf(tallies.waktu!)?.text).toBe('2.667');
    expect(nrrOf(tallies.perilaku!)?.text).toBe('4.000');
  });

  it('has no IKM and no NRR without responses', () => {
    expect(ikmOf(instrument, uniform(0, 0))).toBeUndefined();
    expect(nrrOf({ count: 0, sum: 0 })).toBeUndefined();
  });
});

describe('exact weights of 1/9', () => {
  it('gives 100.00 when every element scores 4 (0.111 would give 25 × 4 × 0.999 = 99.90)', () => {
    // 25 × (9 × 4) / (9 × 1) = 100 exactly.
    expect(ikmOf(instrument, uniform(1, 4))).toMatchObject({ ikm: { text: '100.00' }, mutu: 'A' });
  });

  it('gives 25.00 when every element scores 1', () => {
    expect(ikmOf(instrument, uniform(7, 7))).toMatchObject({
      ikm: { text: '25.00' },
      mutu: 'D',
      kinerja: 'Tidak baik',
    });
  });
});

describe('grade boundaries, on the IKM rounded to 2 decimals (half-open lower edges)', () => {
  it.each([
    [2500, 'D', 'Tidak baik'],
    [6499, 'D', 'Tidak baik'],
    [6500, 'C', 'Kurang baik'],
    [7660, 'C', 'Kurang baik'],
    [7661, 'B', 'Baik'],
    [8830, 'B', 'Baik'],
    [8831, 'A', 'Sangat baik'],
    [10000, 'A', 'Sangat baik'],
  ])('%i hundredths is mutu %s (%s)', (hundredths, mutu, kinerja) => {
    expect(gradeOf(instrument, hundredths)).toMatchObject({ mutu, kinerja });
  });
});

describe('rounding half up from the exact fraction', () => {
  it('rounds the tie 64.995 up to 65.00, which is C', () => {
    // 25 × sum / (9 × n) = 64.995  <=>  sum / n = 64.995 × 9 / 25 = 23.3982 = 116991 / 5000.
    // So n = 5000 respondents with all scores adding up to 116991 = 9 × 12999 (each element's sum 12999).
    // IKM = 25 × 116991 / (9 × 5000) = 2924775 / 45000 = 64.995 exactly; × 100 = 6499.5 -> half up -> 6500.
    expect(ikmOf(instrument, uniform(5000, 12999))).toEqual({
      ikm: { scaled: 6500, text: '65.00', value: 65 },
      mutu: 'C',
      kinerja: 'Kurang baik',
    });
  });

  it('keeps 64.9944… at 64.99, which is D', () => {
    // One score less: sum 116990 -> 25 × 116990 / 45000 = 64.99444… -> 64.99.
    const tallies = { ...uniform(5000, 12999), pengaduan: { count: 5000, sum: 12998 } };
    expect(ikmOf(instrument, tallies)).toMatchObject({ ikm: { text: '64.99' }, mutu: 'D' });
  });

  it('rounds the ties at the other edges up: 76.605 -> 76.61 (B), 88.305 -> 88.31 (A)', () => {
    // 76.605 × 9 / 25 = 27.5778 = 137889 / 5000 = 9 × 15321 / 5000.
    expect(ikmOf(instrument, uniform(5000, 15321))).toMatchObject({ ikm: { text: '76.61' }, mutu: 'B' });
    // 88.305 × 9 / 25 = 31.7898 = 158949 / 5000 = 9 × 17661 / 5000.
    expect(ikmOf(instrument, uniform(5000, 17661))).toMatchObject({ ikm: { text: '88.31' }, mutu: 'A' });
  });

  it('gets 32.175 right where floating point does not', () => {
    // n = 1000, total 11583 = 9 × 1287: 25 × 11583 / 9000 = 32.175 exactly, stored as a double just below it.
    expect((25 * 11583) / 9000).toBe(32.175);
    expect(((25 * 11583) / 9000).toFixed(2)).toBe('32.17');
    expect(ikmOf(instrument, uniform(1000, 1287))?.ikm.text).toBe('32.18');
  });

  it('rounds an NRR tie at the third decimal up: 5333 / 2000 = 2.6665 -> 2.667', () => {
    expect(nrrOf({ count: 2000, sum: 5333 })?.text).toBe('2.667');
  });

  it('rounds plain fractions: 1/3 -> 0.33, 2/3 -> 0.67, 1/8 -> 0.13, 0 -> 0.00', () => {
    expect(roundHalfUp({ numerator: 1n, denominator: 3n }, 2).text).toBe('0.33');
    expect(roundHalfUp({ numerator: 2n, denominator: 3n }, 2).text).toBe('0.67');
    expect(roundHalfUp({ numerator: 1n, denominator: 8n }, 2).text).toBe('0.13');
    expect(roundHalfUp({ numerator: 0n, denominator: 5n }, 2).text).toBe('0.00');
  });
});

describe('an element graded on the index scale', () => {
  it('grades NRR 2.5998 (25 × 2.5998 = 64.995 -> 65.00) as C, like the NRR band from 2.60', () => {
    // 12999 / 5000 = 2.5998; NRR to 3 decimals is 2.600.
    expect(nrrOf({ count: 5000, sum: 12999 })?.text).toBe('2.600');
    expect(elementGradeOf(instrument, { count: 5000, sum: 12999 })).toMatchObject({
      ikm: { text: '65.00' },
      mutu: 'C',
    });
  });
});
