import { batchGetItems } from '#shared/db/batch';
import { surveyAggregateKeys, surveyMonthKeys, surveyPopulationKeys, unitKeys } from '#shared/db/keys';
import { type Documents, primaryKey, unitFromItem } from '#shared/directory/units';
import { InvalidError, NotFoundError } from '#shared/errors';
import {
  type Aggregate,
  addAggregates,
  aggregateFromItem,
  BUSY_CLIENT_PER_DAY,
  DEFAULT_SHARDS,
  emptyAggregate,
  versionsOf,
} from './aggregates.ts';
import { elementGradeOf, ikmOf, nrrOf, roundHalfUp } from './ikm.ts';
import { DEFAULT_INSTRUMENT, type Instrument, instrumentOf } from './instrument.ts';
import { type MonthKey, periodOfMonths } from './periods.ts';
import { minimumSample } from './sample.ts';
import { RESPONDENT_FIELDS, type SurveyReport } from './schemas.ts';

/**
 * A unit's survey report for some WIB months, from the aggregates only: one BatchGetItem for the unit, its
 * population figure, the months (their shard counts and instrument versions) and the shards months usually have;
 * one more only for shards of other counts or instrument versions. The number of calls depends on the months asked,
 * never on the number of responses.
 */

/** Label of the respondents who left an optional field empty. */
export const NOT_GIVEN = 'tidak-diisi';

/** Lower exact NRR first; equal ones keep the questionnaire order (a stable sort). Cross-multiplied in BigInt. */
const weakestFirst = (a: { sum: number; count: number }, b: { sum: number; count: number }): number => {
  if (a.count === 0 || b.count === 0) return 0;
  const left = BigInt(a.sum) * BigInt(b.count);
  const right = BigInt(b.sum) * BigInt(a.count);
  return left < right ? -1 : left > right ? 1 : 0;
};

/** `part` in percent of `whole`, rounded half up to 2 decimals from the exact fraction; null of nothing. */
export const shareOf = (part: number, whole: number): number | null =>
  whole > 0 ? roundHalfUp({ numerator: 100n * BigInt(part), denominator: BigInt(whole) }, 2).value : null;

/** The report's figures from a summed aggregate, through the pure IKM code. */
export const reportFigures = (instrument: Instrument, aggregate: Aggregate) => {
  const graded = ikmOf(instrument, aggregate.elements);
  const elements = instrument.elements
    .map((element) => {
      const counters = aggregate.elements[element.key]!;
      const grade = elementGradeOf(instrument, counters);
      return {
        key: element.key,
        name: element.name,
        answers: counters.count,
        sum: counters.sum,
        nrr: nrrOf(counters)?.value ?? null,
        index: grade?.ikm.value ?? null,
        mutu: grade?.mutu ?? null,
        distribution: Object.fromEntries(counters.distribution.map((count, i) => [String(i + 1), count])),
      };
    })
    .sort((a, b) => weakestFirst({ sum: a.sum, count: a.answers }, { sum: b.sum, count: b.answers }));
  return {
    responses: aggregate.responses,
    ikm: graded?.ikm.value ?? null,
    mutu: graded?.mutu ?? null,
    kinerja: graded?.kinerja ?? null,
    elements,
  };
};

/**
 * The report of a unit over WIB months (at most 12, any order): responses, IKM with mutu and kinerja, NRR per
 * element weakest first with its answer distribution, services, respondents, suggestions, the month-by-month
 * index, and the minimum sample when the unit recorded its population for the period the months make up.
 *
 * @param options.instrument the instrument version to report; default: the one most responses answered
 * @throws NotFoundError for an unknown unit; InvalidError for an instrument version this code does not know
 */
export const unitMonthReport = async (
  client: Documents,
  table: string,
  unitCode: string,
  months: readonly MonthKey[],
  options: { instrument?: string } = {},
): Promise<SurveyReport> => {
  const sortedMonths = [...new Set(months)].sort();
  if (sortedMonths.length === 0 || sortedMonths.length > 12) {
    throw new InvalidError('Laporan mencakup 1 sampai 12 bulan', {
      errors: [{ field: 'to', message: 'Laporan mencakup 1 sampai 12 bulan' }],
    });
  }
  if (options.instrument !== undefined && !instrumentOf(options.instrument)) {
    const message = 'Versi instrumen survei tidak dikenal';
    throw new InvalidError(message, { errors: [{ field: 'instrument', message }] });
  }
  const period = periodOfMonths(sortedMonths);
  const unitKey = primaryKey(unitKeys(unitCode, '', ''));
  const populationKey = period ? surveyPopulationKeys(unitCode, period) : undefined;
  const monthKeys = sortedMonths.map((month) => surveyMonthKeys(unitCode, month));
  // The shards months usually have (the default count, the default instrument) are read with the month items: a
  // second call only when a month item says otherwise. 12 months: 14 + 48 keys, within one BatchGetItem's 100.
  const usualShards = sortedMonths.flatMap((month) =>
    Array.from({ length: DEFAULT_SHARDS }, (_, shard) =>
      surveyAggregateKeys(unitCode, month, DEFAULT_INSTRUMENT.version, shard),
    ),
  );
  const usual = new Set(usualShards.map((key) => `${key.PK}\n${key.SK}`));
  // Consistent reads: a report just after a response shows it.
  const first = await batchGetItems(
    client,
    table,
    [unitKey, ...(populationKey ? [populationKey] : []), ...monthKeys, ...usualShards],
    { consistent: true },
  );
  const unitItem = first.get(unitKey);
  if (!unitItem) throw new NotFoundError(`Unit ${unitCode} tidak ditemukan`);
  const unit = unitFromItem(unitItem);

  // Every shard of every version answered in each month; versions this code does not know cannot be summed.
  const shardsOf = sortedMonths.flatMap((month, i) => {
    const item = first.get(monthKeys[i]!);
    if (!item) return [];
    const shards = Number(item.shards ?? 0);
    return versionsOf(item.versions)
      .filter((version) => instrumentOf(version))
      .flatMap((version) =>
        Array.from({ length: shards }, (_, shard) => ({
          month,
          version,
          key: surveyAggregateKeys(unitCode, month, version, shard),
        })),
      );
  });
  const unusual = shardsOf.filter((s) => !usual.has(`${s.key.PK}\n${s.key.SK}`)).map((s) => s.key);
  const second = unusual.length ? await batchGetItems(client, table, unusual, { consistent: true }) : undefined;
  const shardItem = (key: { PK: string; SK: string }) =>
    usual.has(`${key.PK}\n${key.SK}`) ? first.get(key) : second?.get(key);

  // Sum the shards per version and month.
  const byVersion = new Map<string, Map<MonthKey, Aggregate>>();
  for (const { month, version, key } of shardsOf) {
    const instrument = instrumentOf(version)!;
    const months = byVersion.get(version) ?? new Map<MonthKey, Aggregate>();
    const shard = aggregateFromItem(instrument, shardItem(key));
    months.set(month, addAggregates(months.get(month) ?? emptyAggregate(instrument), shard));
    byVersion.set(version, months);
  }
  const totalOf = (version: string) =>
    [...(byVersion.get(version)?.values() ?? [])].reduce((n, aggregate) => n + aggregate.responses, 0);
  const chosenVersion =
    options.instrument ??
    [...byVersion.keys()].sort((a, b) => totalOf(b) - totalOf(a) || a.localeCompare(b))[0] ??
    DEFAULT_INSTRUMENT.version;
  const instrument = instrumentOf(chosenVersion)!;
  const perMonth = byVersion.get(chosenVersion) ?? new Map<MonthKey, Aggregate>();
  const total = [...perMonth.values()].reduce(addAggregates, emptyAggregate(instrument));
  const figures = reportFigures(instrument, total);

  const population = populationKey ? first.get(populationKey)?.population : undefined;
  const sample =
    period && typeof population === 'number'
      ? {
          period,
          population,
          minimum: minimumSample(population),
          collected: total.responses,
          sufficient: total.responses >= minimumSample(population),
        }
      : undefined;

  return {
    unit: { code: unit.code, name: unit.name, type: unit.type },
    months: sortedMonths,
    ...(period ? { period } : {}),
    instrument: { version: instrument.version, title: instrument.title },
    ...figures,
    services: Object.entries(total.services)
      .map(([name, responses]) => ({ name, responses }))
      .sort((a, b) => b.responses - a.responses || a.name.localeCompare(b.name)),
    respondents: Object.fromEntries(
      RESPONDENT_FIELDS.map((field) => {
        const counts = total.respondents[field];
        const given = Object.values(counts).reduce((a, b) => a + b, 0);
        return [field, { ...counts, [NOT_GIVEN]: total.responses - given }];
      }),
    ),
    suggestions: total.suggestions,
    verified: total.verified,
    verifiedShare: shareOf(total.verified, total.responses),
    anomalies: {
      busyClientResponses: total.busy,
      busyClientShare: shareOf(total.busy, total.responses),
      flags:
        total.busy > 0
          ? [
              `${total.busy} tanggapan berasal dari alamat yang sudah mengirim lebih dari ${BUSY_CLIENT_PER_DAY} tanggapan ` +
                'pada hari yang sama: periksa apakah ada pengisian berulang.',
            ]
          : [],
    },
    ...(sample ? { sample } : {}),
    byMonth: sortedMonths.map((month) => {
      const graded = ikmOf(instrument, perMonth.get(month)?.elements ?? {});
      return {
        month,
        responses: perMonth.get(month)?.responses ?? 0,
        ikm: graded?.ikm.value ?? null,
        mutu: graded?.mutu ?? null,
      };
    }),
    otherInstruments: [...byVersion.keys()]
      .filter((version) => version !== chosenVersion)
      .map((version) => ({ version, responses: totalOf(version) })),
  };
};
