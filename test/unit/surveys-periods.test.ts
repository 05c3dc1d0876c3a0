import { describe, expect, it } from 'vitest';
import {
  addMonths,
  monthRange,
  monthsOfPeriod,
  periodKeyOf,
  periodOfMonths,
  wibMonthOf,
} from '#shared/surveys/periods';

describe('WIB periods of an instant', () => {
  it('puts 2026-01-31T17:30Z in February: it is 00:30 on 1 February in Palembang', () => {
    expect(wibMonthOf(new Date('2026-01-31T17:30:00Z'))).toBe('2026-02');
  });

  it('keeps the last millisecond before WIB midnight in January', () => {
    expect(wibMonthOf(new Date('2026-01-31T16:59:59.999Z'))).toBe('2026-01');
    expect(wibMonthOf(new Date('2026-01-31T17:00:00Z'))).toBe('2026-02');
  });

  it('moves every period key to the new year at WIB midnight on 1 January', () => {
    const newYear = new Date('2026-12-31T17:00:00Z');
    expect(['month', 'quarter', 'semester', 'year'].map((kind) => periodKeyOf(newYear, kind as never))).toEqual([
      '2027-01',
      '2027-Q1',
      '2027-S1',
      '2027',
    ]);
    const before = new Date('2026-12-31T16:59:59Z');
    expect(['month', 'quarter', 'semester', 'year'].map((kind) => periodKeyOf(before, kind as never))).toEqual([
      '2026-12',
      '2026-Q4',
      '2026-S2',
      '2026',
    ]);
  });

  it('puts July in the third quarter and the second semester', () => {
    const july = new Date('2026-07-15T05:00:00Z');
    expect(periodKeyOf(july, 'quarter')).toBe('2026-Q3');
    expect(periodKeyOf(july, 'semester')).toBe('2026-S2');
  });
});

describe('months of periods', () => {
  it('lists the months of a month, quarter, semester and year', () => {
    expect(monthsOfPeriod('2026-02')).toEqual(['2026-02']);
    expect(monthsOfPeriod('2026-Q4')).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthsOfPeriod('2026-S2')).toEqual(['2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(monthsOfPeriod('2026')).toHaveLength(12);
    expect(monthsOfPeriod('2026').at(-1)).toBe('2026-12');
  });

  it('counts months across a year end', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03', '2026-01')).toEqual([]);
  });

  it('names the period a set of months makes up exactly, and nothing for other ranges', () => {
    expect(periodOfMonths(['2026-03', '2026-01', '2026-02'])).toBe('2026-Q1');
    expect(periodOfMonths(monthRange('2026-01', '2026-06'))).toBe('2026-S1');
    expect(periodOfMonths(monthRange('2026-01', '2026-12'))).toBe('2026');
    expect(periodOfMonths(['2026-05'])).toBe('2026-05');
    expect(periodOfMonths(['2026-02', '2026-03', '2026-04'])).toBeUndefined();
    expect(periodOfMonths([])).toBeUndefined();
  });
});
