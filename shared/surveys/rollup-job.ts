import { isDeepStrictEqual } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems } from '#shared/db/batch';
import { surveyRollupKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { allUnits, type Documents } from '#shared/directory/units';
import { aggregateAttributes } from './aggregates.ts';
import { DEFAULT_INSTRUMENT } from './instrument.ts';
import { type MonthKey, monthsOfPeriod, type PeriodKey, wibMonthOf } from './periods.ts';
import { CITY_SCOPE, loadMonthAggregates, sumOf, typeScope, unitScope } from './rollups.ts';

/**
 * The roll-up job: every 15 minutes it recomputes, from the monthly aggregates, the roll-ups a recent response can
 * change (the current WIB month's month, quarter, semester and year) for every unit of the directory, each unit type
 * and the city (their active units pooled, as the overview pools them). Each item is the whole sum, PUT only when it
 * differs from the stored one: a rerun writes nothing, and a lost or doubled run cannot skew a count as ADD deltas
 * would. Per period, the city item is written last: a reader that finds it finds the units' items too.
 *
 * Reads per run: the units (one index Query) and the months of the touched years (month items and shards, 100 keys a
 * BatchGetItem: 300 units × 12 months is 36 + up to 144 calls), then the stored roll-ups to compare. Only the
 * built-in instrument version is rolled up; the overview computes other versions on read.
 */

/**
 * Days into a month during which the previous month is recomputed too: the last run of a month misses its final
 * minutes, and a failed or late run must not leave them out for good.
 */
export const ROLLUP_GRACE_DAYS = 3;

/** Puts in flight at once. */
const WRITE_CONCURRENCY = 8;

/** What a run did. */
export interface RollupRun {
  periods: PeriodKey[];
  /** The `computedAt` of the items this run wrote. */
  computedAt: string;
  units: number;
  /** Roll-up items compared. */
  checked: number;
  /** Roll-up items written (new or changed). */
  written: number;
}

/** The month, quarter, semester and year holding a month. */
const periodsHolding = (month: MonthKey): PeriodKey[] => {
  const year = month.slice(0, 4);
  const m = Number(month.slice(5));
  return [month, `${year}-Q${Math.ceil(m / 3)}`, `${year}-S${m <= 6 ? 1 : 2}`, year];
};

/**
 * The periods a run recomputes: those holding the current WIB month (and the previous month in its first
 * {@link ROLLUP_GRACE_DAYS} days), or, to backfill, every period of `year`.
 */
export const rollupPeriodsOf = (now: Date, year?: string): PeriodKey[] => {
  const months = year
    ? monthsOfPeriod(year)
    : [wibMonthOf(new Date(now.getTime() - ROLLUP_GRACE_DAYS * 86_400_000)), wibMonthOf(now)];
  return [...new Set(months.flatMap(periodsHolding))].sort();
};

/** Recomputes the roll-ups of {@link rollupPeriodsOf} and writes those that changed. */
export const runRollups = async (
  client: Documents,
  table: string,
  now: Date,
  options: { year?: string } = {},
): Promise<RollupRun> => {
  const instrument = DEFAULT_INSTRUMENT;
  const periods = rollupPeriodsOf(now, options.year);
  const months = [...new Set(periods.flatMap(monthsOfPeriod))].sort();
  const units = await allUnits(client, table);
  const aggregates = await loadMonthAggregates(
    client,
    table,
    units.map((u) => u.code),
    months,
    instrument,
  );

  const items: { content: Record<string, unknown>; city: boolean }[] = [];
  for (const period of periods) {
    const covered = monthsOfPeriod(period);
    const totals = new Map(
      units.map((unit) => [
        unit.code,
        sumOf(
          instrument,
          covered.map((m) => aggregates.get(unit.code)?.get(m)),
        ),
      ]),
    );
    const item = (scope: string, codes: string[] | undefined, city = false) => {
      const sum = sumOf(
        instrument,
        (codes ?? [scope.slice('UNIT#'.length)]).map((code) => totals.get(code)),
      );
      items.push({
        city,
        content: {
          ...surveyRollupKeys(scope, period, instrument.version),
          ...migrations.stamp('survey-rollup', {
            scope,
            period,
            instrumentVersion: instrument.version,
            months: covered,
            ...(codes ? { units: codes } : {}),
            ...aggregateAttributes(sum),
          }),
        },
      });
    };
    // Every unit (archived ones keep their trend); a unit without responses gets no item.
    for (const unit of units) if (totals.get(unit.code)!.responses > 0) item(unitScope(unit.code), undefined);
    const answered = units.filter((u) => u.status === 'active' && totals.get(u.code)!.responses > 0);
    for (const type of [...new Set(answered.map((u) => u.type))].sort()) {
      item(
        typeScope(type),
        answered.filter((u) => u.type === type).map((u) => u.code),
      );
    }
    item(
      CITY_SCOPE,
      answered.map((u) => u.code),
      true,
    );
  }

  const stored = await batchGetItems(
    client,
    table,
    items.map(({ content }) => ({ PK: String(content.PK), SK: String(content.SK) })),
    { consistent: true },
  );
  const changed = items.filter(({ content }) => {
    const { computedAt: _, ...before } = stored.get({ PK: String(content.PK), SK: String(content.SK) }) ?? {};
    return !isDeepStrictEqual(before, content);
  });
  const computedAt = now.toISOString();
  const put = async (batch: typeof items) => {
    for (let i = 0; i < batch.length; i += WRITE_CONCURRENCY) {
      await Promise.all(
        batch
          .slice(i, i + WRITE_CONCURRENCY)
          .map(({ content }) => client.send(new PutCommand({ TableName: table, Item: { ...content, computedAt } }))),
      );
    }
  };
  await put(changed.filter((i) => !i.city));
  await put(changed.filter((i) => i.city));
  return { periods, computedAt, units: units.length, checked: items.length, written: changed.length };
};
