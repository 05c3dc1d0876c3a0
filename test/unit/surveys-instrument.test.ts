import { describe, expect, it } from 'vitest';
import { assertInstrument, DEFAULT_INSTRUMENT, INSTRUMENT_14_2017, instrumentOf } from '#shared/surveys/instrument';

describe('the 14/2017 instrument', () => {
  it('has the nine elements of the regulation, keyed by name', () => {
    expect(INSTRUMENT_14_2017.elements.map((e) => e.key).sort()).toEqual(
      ['biaya', 'kompetensi', 'pengaduan', 'perilaku', 'persyaratan', 'produk', 'prosedur', 'sarana', 'waktu'].sort(),
    );
  });

  it('words each element as a question with four answer labels, lowest score first', () => {
    for (const element of INSTRUMENT_14_2017.elements) {
      expect(element.question).toMatch(/^Bagaimana .+\?$/);
      expect(element.answers).toHaveLength(4);
    }
    expect(INSTRUMENT_14_2017.elements.find((e) => e.key === 'biaya')?.answers).toEqual([
      'Sangat mahal',
      'Cukup mahal',
      'Murah',
      'Gratis',
    ]);
  });

  it('weighs every element exactly 1/9', () => {
    for (const element of INSTRUMENT_14_2017.elements) {
      expect(element.weight).toEqual({ numerator: 1, denominator: 9 });
    }
  });

  it('is the default and is found by its version', () => {
    expect(DEFAULT_INSTRUMENT).toBe(INSTRUMENT_14_2017);
    expect(instrumentOf('permenpanrb-14-2017')).toBe(INSTRUMENT_14_2017);
    expect(instrumentOf('unknown')).toBeUndefined();
  });
});

describe('instrument checks', () => {
  it('refuses decimal weights such as 0.111 that do not add up to 1', () => {
    const weights = {
      ...INSTRUMENT_14_2017,
      elements: INSTRUMENT_14_2017.elements.map((e) => ({ ...e, weight: { numerator: 111, denominator: 1000 } })),
    };
    expect(() => assertInstrument(weights)).toThrow(/weights do not add up to exactly 1/);
  });

  it('refuses grade bands out of order and elements without a label per score', () => {
    const bands = { ...INSTRUMENT_14_2017, grades: [...INSTRUMENT_14_2017.grades].reverse() };
    expect(() => assertInstrument(bands)).toThrow(/first grade band/);
    const labels = {
      ...INSTRUMENT_14_2017,
      elements: [
        { ...INSTRUMENT_14_2017.elements[0]!, answers: ['Ya', 'Tidak'] },
        ...INSTRUMENT_14_2017.elements.slice(1),
      ],
    };
    expect(() => assertInstrument(labels)).toThrow(/2 labels for 4 scores/);
  });
});
