import * as z from '#shared/zod';

/**
 * Survey periods, always in WIB (Asia/Jakarta, UTC+7, no daylight saving): a response at 2026-01-31T17:30Z is
 * 2026-02-01 00:30 in Palembang and counts for February. Keys are readable and sort in time order:
 * month `2026-02`, quarter `2026-Q1`, semester `2026-S1`, year `2026`.
 */

const WIB_OFFSET_MS = 7 * 3_600_000;

/** A WIB calendar month, `YYYY-MM`. */
export const MonthKey = z
  .string()
  .check(
    z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Bulan ditulis YYYY-MM, mis. 2026-02'),
    z.meta({ description: 'WIB calendar month, YYYY-MM', example: '2026-02' }),
  );
export type MonthKey = z.infer<typeof MonthKey>;

export type PeriodKind = 'month' | 'quarter' | 'semester' | 'year';

/** A named period: `2026-02`, `2026-Q1`, `2026-S1` or `2026`. */
export const PeriodKey = z.string().check(
  z.regex(/^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-S[12])?$/, 'Periode ditulis 2026, 2026-S1, 2026-Q1 atau 2026-02'),
  z.meta({
    description: 'WIB period: year 2026, semester 2026-S1, quarter 2026-Q1 or month 2026-02',
    example: '2026',
  }),
);
export type PeriodKey = z.infer<typeof PeriodKey>;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Year and month (1..12) of an instant on the WIB calendar. */
const wibYearMonth = (instant: Date): { year: number; month: number } => {
  const shifted = new Date(instant.getTime() + WIB_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1 };
};

/** The WIB month an instant belongs to (2026-01-31T17:30Z -> `2026-02`). */
export const wibMonthOf = (instant: Date): MonthKey => {
  const { year, month } = wibYearMonth(instant);
  return `${year}-${pad2(month)}`;
};

/** The key of the WIB period of `kind` holding an instant. */
export const periodKeyOf = (instant: Date, kind: PeriodKind): PeriodKey => {
  const { year, month } = wibYearMonth(instant);
  switch (kind) {
    case 'month':
      return `${year}-${pad2(month)}`;
    case 'quarter':
      return `${year}-Q${Math.ceil(month / 3)}`;
    case 'semester':
      return `${year}-S${month <= 6 ? 1 : 2}`;
    case 'year':
      return String(year);
  }
};

/** What a period key names. @throws RangeError for a malformed key */
export const parsePeriodKey = (key: string): { kind: PeriodKind; year: number; firstMonth: number; months: number } => {
  if (!PeriodKey.safeParse(key).success) throw new RangeError(`not a period key: ${key}`);
  const year = Number(key.slice(0, 4));
  const rest = key.slice(5);
  if (rest === '') return { kind: 'year', year, firstMonth: 1, months: 12 };
  if (rest.startsWith('Q')) return { kind: 'quarter', year, firstMonth: (Number(rest[1]) - 1) * 3 + 1, months: 3 };
  if (rest.startsWith('S')) return { kind: 'semester', year, firstMonth: rest[1] === '1' ? 1 : 7, months: 6 };
  return { kind: 'month', year, firstMonth: Number(rest), months: 1 };
};

/** Months after `month` (negative: before). */
export const addMonths = (month: MonthKey, count: number): MonthKey => {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5)) - 1 + count;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}`;
};

/** The months of a period, in order (`2026-Q1` -> 2026-01, 2026-02, 2026-03). */
export const monthsOfPeriod = (key: PeriodKey): MonthKey[] => {
  const { year, firstMonth, months } = parsePeriodKey(key);
  const first: MonthKey = `${year}-${pad2(firstMonth)}`;
  return Array.from({ length: months }, (_, i) => addMonths(first, i));
};

/** The months from `from` to `to`, both included; empty when `to` is before `from`. */
export const monthRange = (from: MonthKey, to: MonthKey): MonthKey[] => {
  const months: MonthKey[] = [];
  for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
  return months;
};

/**
 * The named period exactly made of these months (the months of a quarter -> `2026-Q1`), or undefined for any other
 * set (a range across two quarters). Months may come in any order; duplicates are ignored.
 */
export const periodOfMonths = (months: readonly MonthKey[]): PeriodKey | undefined => {
  const sorted = [...new Set(months)].sort();
  const first = sorted[0];
  if (first === undefined) return undefined;
  const year = first.slice(0, 4);
  const month = Number(first.slice(5));
  const candidates: PeriodKey[] = [first, `${year}-Q${Math.ceil(month / 3)}`, `${year}-S${month <= 6 ? 1 : 2}`, year];
  return candidates.find((key) => {
    const expected = monthsOfPeriod(key);
    return expected.length === sorted.length && expected.every((m, i) => m === sorted[i]);
  });
};

/** What kind of period a key names; undefined for a malformed key. */
export const periodKindOf = (key: string): PeriodKind | undefined =>
  PeriodKey.safeParse(key).success ? parsePeriodKey(key).kind : undefined;

/** The first month of a period. @throws RangeError for a malformed key */
export const firstMonthOf = (key: PeriodKey): MonthKey => monthsOfPeriod(key)[0]!;

/** The last month of a period. @throws RangeError for a malformed key */
export const lastMonthOf = (key: PeriodKey): MonthKey => monthsOfPeriod(key).at(-1)!;

/** The periods of one kind from `from` to `to`, both included, in order (`2026-Q1`..`2026-Q3`: three quarters). */
export const periodRange = (from: PeriodKey, to: PeriodKey): PeriodKey[] => {
  const kind = parsePeriodKey(from).kind;
  const periods: PeriodKey[] = [];
  for (let month = firstMonthOf(from); month <= lastMonthOf(to); ) {
    const [year, m] = [Number(month.slice(0, 4)), Number(month.slice(5))];
    const key = periodKeyOf(new Date(Date.UTC(year, m - 1, 15) - WIB_OFFSET_MS), kind);
    periods.push(key);
    month = addMonths(lastMonthOf(key), 1);
  }
  return periods;
};
