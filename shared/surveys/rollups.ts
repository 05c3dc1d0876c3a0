import { batchGetItems } from '#shared/db/batch';
import { surveyAggregateKeys, surveyMonthKeys, unitKeys } from '#shared/db/keys';
import type { Unit } from '#shared/directory/schemas';
import { allUnits, type Documents, primaryKey, unitFromItem } from '#shared/directory/units';
import { InvalidError, NotFoundError } from '#shared/errors';
import { type Aggregate, addAggregates, aggregateFromItem, emptyAggregate, versionsOf } from './aggregates.ts';
import { exactIkm, ikmOf } from './ikm.ts';
import { DEFAULT_INSTRUMENT, type Instrument, instrumentOf } from './instrument.ts';
import { type MonthKey, monthsOfPeriod, type PeriodKey, periodRange } from './periods.ts';
import type { SurveyOverview, SurveyTrend } from './schemas.ts';

/**
 * Trends, rankings and roll-ups (quarter, semester, year; per unit type; the whole city), computed on read from the
 * monthly aggregates: one BatchGetItem round for the month items (their shard counts), one for the shards, each
 * split in calls of 100 keys. The calls grow with units × months, never with responses: a trend of 36 months is at
 * most 1 + 2 calls (36 month items, 144 shards); a year's overview of 300 units is 36 + 144 calls. Materializing
 * the roll-ups asynchronously (from the table's stream) would make the overview a handful of reads; see
 * docs/surveys.md.
 */

const instrumentOrFail = (version: string | undefined): Instrument => {
  const instrument = instrumentOf(version ?? DEFAULT_INSTRUMENT.version);
  if (!instrument) {
    const message = 'Versi instrumen survei tidak dikenal';
    throw new InvalidError(message, { errors: [{ field: 'instrument', message }] });
  }
  return instrument;
};

/**
 * The aggregates of one instrument version for some units and months: unit -> month -> the sum of the month's
 * shards. Months nobody answered are absent.
 */
export const loadMonthAggregates = async (
  client: Documents,
  table: string,
  unitCodes: readonly string[],
  months: readonly MonthKey[],
  instrument: Instrument,
): Promise<Map<string, Map<MonthKey, Aggregate>>> => {
  const cells = unitCodes.flatMap((unitCode) => months.map((month) => ({ unitCode, month })));
  const monthItems = await batchGetItems(
    client,
    table,
    cells.map((c) => surveyMonthKeys(c.unitCode, c.month)),
    { consistent: true },
  );
  const shards = cells.flatMap(({ unitCode, month }) => {
    const item = monthItems.get(surveyMonthKeys(unitCode, month));
    if (!item || !versionsOf(item.versions).includes(instrument.version)) return [];
    return Array.from({ length: Number(item.shards ?? 0) }, (_, shard) => ({
      unitCode,
      month,
      key: surveyAggregateKeys(unitCode, month, instrument.version, shard),
    }));
  });
  const shardItems = shards.length
    ? await batchGetItems(
        client,
        table,
        shards.map((s) => s.key),
        { consistent: true },
      )
    : undefined;
  const result = new Map<string, Map<MonthKey, Aggregate>>();
  for (const { unitCode, month, key } of shards) {
    const byMonth = result.get(unitCode) ?? new Map<MonthKey, Aggregate>();
    const shard = aggregateFromItem(instrument, shardItems?.get(key));
    byMonth.set(month, addAggregates(byMonth.get(month) ?? emptyAggregate(instrument), shard));
    result.set(unitCode, byMonth);
  }
  return result;
};

const sumOf = (instrument: Instrument, aggregates: Iterable<Aggregate | undefined>): Aggregate => {
  let total = emptyAggregate(instrument);
  for (const aggregate of aggregates) if (aggregate) total = addAggregates(total, aggregate);
  return total;
};

/** Responses, verified responses and the graded index of an aggregate. */
export const figuresOf = (instrument: Instrument, aggregate: Aggregate) => {
  const graded = ikmOf(instrument, aggregate.elements);
  return {
    responses: aggregate.responses,
    verified: aggregate.verified,
    ikm: graded?.ikm.value ?? null,
    mutu: graded?.mutu ?? null,
    kinerja: graded?.kinerja ?? null,
  };
};

/**
 * A unit's index per period from `from` to `to` (periods of one kind).
 * @throws NotFoundError for an unknown unit; InvalidError for an unknown instrument version
 */
export const unitTrend = async (
  client: Documents,
  table: string,
  unitCode: string,
  query: { from: PeriodKey; to: PeriodKey; instrument?: string },
): Promise<SurveyTrend> => {
  const instrument = instrumentOrFail(query.instrument);
  const periods = periodRange(query.from, query.to).map((period) => ({ period, months: monthsOfPeriod(period) }));
  const unitKey = primaryKey(unitKeys(unitCode, '', ''));
  const [unitItem, aggregates] = await Promise.all([
    batchGetItems(client, table, [unitKey], { consistent: true }).then((items) => items.get(unitKey)),
    loadMonthAggregates(
      client,
      table,
      [unitCode],
      periods.flatMap((p) => p.months),
      instrument,
    ),
  ]);
  if (!unitItem) throw new NotFoundError(`Unit ${unitCode} tidak ditemukan`);
  const unit = unitFromItem(unitItem);
  const byMonth = aggregates.get(unitCode);
  return {
    unit: { code: unit.code, name: unit.name, type: unit.type },
    instrument: { version: instrument.version, title: instrument.title },
    points: periods.map(({ period, months }) => ({
      period,
      months,
      ...figuresOf(
        instrument,
        sumOf(
          instrument,
          months.map((m) => byMonth?.get(m)),
        ),
      ),
    })),
  };
};

/** Compares exact indexes, higher first (cross-multiplied in BigInt); no index sorts last. */
const higherIndexFirst = (instrument: Instrument) => (a: Aggregate, b: Aggregate) => {
  const x = exactIkm(instrument, a.elements);
  const y = exactIkm(instrument, b.elements);
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left > right ? -1 : left < right ? 1 : 0;
};

/**
 * The city in a period: every active unit's responses pooled (the index of all answers together, so a unit weighs
 * by its responses), the same per unit type, and the units ranked by exact index, those with fewer than
 * `minResponses` responses listed apart.
 * @throws InvalidError for an unknown instrument version
 */
export const cityOverview = async (
  client: Documents,
  table: string,
  query: { period: PeriodKey; minResponses: number; type?: string; instrument?: string },
): Promise<SurveyOverview> => {
  const instrument = instrumentOrFail(query.instrument);
  const months = monthsOfPeriod(query.period);
  const units = (await allUnits(client, table)).filter((unit) => unit.status === 'active');
  const aggregates = await loadMonthAggregates(
    client,
    table,
    units.map((u) => u.code),
    months,
    instrument,
  );
  const totals = new Map<string, Aggregate>(
    units.map((unit) => [unit.code, sumOf(instrument, aggregates.get(unit.code)?.values() ?? [])]),
  );
  const answered = units.filter((unit) => totals.get(unit.code)!.responses > 0);
  const types = [...new Set(answered.map((u) => u.type))].sort();
  const ranked = answered
    .filter((unit) => query.type === undefined || unit.type === query.type)
    .filter((unit) => totals.get(unit.code)!.responses >= query.minResponses);
  const compare = higherIndexFirst(instrument);
  ranked.sort(
    (a, b) =>
      compare(totals.get(a.code)!, totals.get(b.code)!) ||
      totals.get(b.code)!.responses - totals.get(a.code)!.responses ||
      a.code.localeCompare(b.code),
  );
  const ranking = ranked.map((unit: Unit, i) => {
    const previous = ranked[i - 1];
    return { unit, tied: previous !== undefined && compare(totals.get(previous.code)!, totals.get(unit.code)!) === 0 };
  });
  let rank = 0;
  return {
    period: query.period,
    months,
    instrument: { version: instrument.version, title: instrument.title },
    minResponses: query.minResponses,
    city: {
      units: answered.length,
      ...figuresOf(instrument, sumOf(instrument, totals.values())),
    },
    byType: types.map((type) => {
      const ofType = answered.filter((u) => u.type === type);
      return {
        type,
        units: ofType.length,
        ...figuresOf(
          instrument,
          sumOf(
            instrument,
            ofType.map((u) => totals.get(u.code)),
          ),
        ),
      };
    }),
    ranking: ranking.map(({ unit, tied }, i) => {
      if (!tied) rank = i + 1;
      return {
        rank,
        code: unit.code,
        name: unit.name,
        type: unit.type,
        ...figuresOf(instrument, totals.get(unit.code)!),
      };
    }),
    belowMinimum: answered
      .filter((unit) => query.type === undefined || unit.type === query.type)
      .filter((unit) => totals.get(unit.code)!.responses < query.minResponses)
      .map((unit) => ({
        code: unit.code,
        name: unit.name,
        type: unit.type,
        responses: totals.get(unit.code)!.responses,
      })),
  };
};
