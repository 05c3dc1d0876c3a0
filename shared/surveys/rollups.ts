import { batchGetItems, type ItemsByKey } from '#shared/db/batch';
import { surveyAggregateKeys, surveyMonthKeys, surveyRollupKeys, unitKeys } from '#shared/db/keys';
import type { Unit } from '#shared/directory/schemas';
import { allUnits, type Documents, primaryKey, unitFromItem } from '#shared/directory/units';
import { InvalidError, NotFoundError } from '#shared/errors';
import { type Aggregate, addAggregates, aggregateFromItem, emptyAggregate, versionsOf } from './aggregates.ts';
import { exactIkm, ikmOf } from './ikm.ts';
import { DEFAULT_INSTRUMENT, type Instrument, instrumentOf } from './instrument.ts';
import { lastMonthOf, type MonthKey, monthsOfPeriod, type PeriodKey, periodRange, wibMonthOf } from './periods.ts';
import type { SurveyOverview, SurveyTrend } from './schemas.ts';

/**
 * Trends, rankings and roll-ups (quarter, semester, year; per unit type; the whole city). The roll-up job
 * (rollup-job.ts) materializes them every 15 minutes; reads use those items and fall back to computing on read from
 * the monthly aggregates for a period it has not rolled up: one BatchGetItem round for the month items (their shard
 * counts), one for the shards, each split in calls of 100 keys, growing with units × months (a year's overview of
 * 300 units is 36 + 144 calls). Materialized, the overview is one BatchGetItem of units + types + 1 keys, and a
 * trend of closed periods one of 1 + 2 × periods keys.
 */

/** Roll-up scopes: a unit, a unit type (its active units pooled), the city (every active unit pooled). */
export const unitScope = (unitCode: string) => `UNIT#${unitCode}`;
export const typeScope = (type: string) => `TYPE#${type}`;
export const CITY_SCOPE = 'CITY';

/** The unit codes a type or city roll-up pooled. */
export const pooledUnitsOf = (item: Record<string, unknown>): string[] =>
  Array.isArray(item.units) ? item.units.map(String) : [];

const sameCodes = (a: readonly string[], b: readonly string[]) => {
  const set = new Set(a);
  return set.size === b.length && b.every((code) => set.has(code));
};

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

export const sumOf = (instrument: Instrument, aggregates: Iterable<Aggregate | undefined>): Aggregate => {
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
  now = new Date(),
): Promise<SurveyTrend> => {
  const instrument = instrumentOrFail(query.instrument);
  const periods = periodRange(query.from, query.to).map((period) => ({ period, months: monthsOfPeriod(period) }));
  // Only closed periods read roll-ups: the current month's answers must show at once, not after the next job run.
  const currentMonth = wibMonthOf(now);
  const closed = periods.filter((p) => lastMonthOf(p.period) < currentMonth).map((p) => p.period);
  const rollup = (scope: string, period: PeriodKey) => surveyRollupKeys(scope, period, instrument.version);
  const unitKey = primaryKey(unitKeys(unitCode, '', ''));
  const items = await batchGetItems(
    client,
    table,
    [unitKey, ...closed.flatMap((p) => [rollup(unitScope(unitCode), p), rollup(CITY_SCOPE, p)])],
    { consistent: true },
  );
  const unitItem = items.get(unitKey);
  if (!unitItem) throw new NotFoundError(`Unit ${unitCode} tidak ditemukan`);
  const unit = unitFromItem(unitItem);
  // The city item says the job rolled the period up: then a unit without an item had no responses in it.
  const materialized = new Set(closed.filter((p) => items.get(rollup(CITY_SCOPE, p))));
  const computed = periods.filter((p) => !materialized.has(p.period));
  const byMonth = computed.length
    ? (
        await loadMonthAggregates(
          client,
          table,
          [unitCode],
          computed.flatMap((p) => p.months),
          instrument,
        )
      ).get(unitCode)
    : undefined;
  return {
    unit: { code: unit.code, name: unit.name, type: unit.type },
    instrument: { version: instrument.version, title: instrument.title },
    points: periods.map(({ period, months }) => ({
      period,
      months,
      ...(materialized.has(period)
        ? {
            ...figuresOf(instrument, aggregateFromItem(instrument, items.get(rollup(unitScope(unitCode), period)))),
            source: 'materialized' as const,
          }
        : {
            ...figuresOf(
              instrument,
              sumOf(
                instrument,
                months.map((m) => byMonth?.get(m)),
              ),
            ),
            source: 'computed' as const,
          }),
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
  now = new Date(),
): Promise<SurveyOverview> => {
  const instrument = instrumentOrFail(query.instrument);
  const months = monthsOfPeriod(query.period);
  const units = (await allUnits(client, table)).filter((unit) => unit.status === 'active');
  const rollup = (scope: string) => surveyRollupKeys(scope, query.period, instrument.version);
  const items = await batchGetItems(
    client,
    table,
    [
      rollup(CITY_SCOPE),
      ...[...new Set(units.map((u) => u.type))].map((t) => rollup(typeScope(t))),
      ...units.map((u) => rollup(unitScope(u.code))),
    ],
    { consistent: true },
  );
  const cityItem = items.get(rollup(CITY_SCOPE));
  const totals = cityItem
    ? materializedTotals(instrument, units, items, rollup)
    : await computedTotals(client, table, instrument, units, months);
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
  // A pooled roll-up counts when it pooled exactly these units (a unit archived or retyped since: sum the units').
  const pooled = (members: readonly Unit[], item: Record<string, unknown> | undefined): Aggregate =>
    item &&
    sameCodes(
      pooledUnitsOf(item),
      members.map((u) => u.code),
    )
      ? aggregateFromItem(instrument, item)
      : sumOf(
          instrument,
          members.map((u) => totals.get(u.code)),
        );
  let rank = 0;
  return {
    period: query.period,
    months,
    instrument: { version: instrument.version, title: instrument.title },
    minResponses: query.minResponses,
    city: {
      units: answered.length,
      ...figuresOf(instrument, pooled(answered, cityItem)),
    },
    byType: types.map((type) => {
      const ofType = answered.filter((u) => u.type === type);
      return {
        type,
        units: ofType.length,
        ...figuresOf(instrument, pooled(ofType, items.get(rollup(typeScope(type))))),
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
    source: cityItem ? 'materialized' : 'computed',
    computedAt: cityItem ? String(cityItem.computedAt) : now.toISOString(),
  };
};

/** Each unit's period from its roll-up (a unit without one had no responses when the period was rolled up). */
const materializedTotals = (
  instrument: Instrument,
  units: readonly Unit[],
  items: ItemsByKey,
  rollup: (scope: string) => { PK: string; SK: string },
) =>
  new Map<string, Aggregate>(
    units.map((unit) => [unit.code, aggregateFromItem(instrument, items.get(rollup(unitScope(unit.code))))]),
  );

/** Each unit's period summed from the monthly aggregates. */
const computedTotals = async (
  client: Documents,
  table: string,
  instrument: Instrument,
  units: readonly Unit[],
  months: readonly MonthKey[],
) => {
  const aggregates = await loadMonthAggregates(
    client,
    table,
    units.map((u) => u.code),
    months,
    instrument,
  );
  return new Map<string, Aggregate>(
    units.map((unit) => [unit.code, sumOf(instrument, aggregates.get(unit.code)?.values() ?? [])]),
  );
};
