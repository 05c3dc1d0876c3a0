import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { json } from '#test/support/http';
import { addresses, ELEMENTS, generateResponse, type RawResponse, seeded, surveyCalls } from '#test/support/surveys';

/**
 * The materialized roll-ups: the job sums the monthly aggregates into unit, unit-type and city items per month,
 * quarter, semester and year; the overview and closed trend periods read them, with the same figures as computed
 * on read, in fewer calls.
 */

let cloud: LocalCloud;
let calls: ReturnType<typeof surveyCalls>;

const SERVICES: Record<string, string[]> = {
  'KEC-06': ['Surat keterangan'],
  'PKM-DEMPO': ['Imunisasi'],
  'SMP-N1': ['Legalisasi ijazah'],
  'SMP-N9': ['Legalisasi ijazah'],
  DINKES: [],
};
const UNITS = Object.keys(SERVICES);
// One instant per WIB month; 2026-03-31T17:30Z is April in WIB.
const MONTHS = [
  { month: '2026-01', at: '2026-01-15T02:00:00Z' },
  { month: '2026-02', at: '2026-02-10T02:00:00Z' },
  { month: '2026-04', at: '2026-03-31T17:30:00Z' },
] as const;
const sent: { unitCode: string; month: string; response: RawResponse }[] = [];

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'surveysrollups', seed: true });
  calls = surveyCalls(cloud);
  const nextIp = addresses(41);
  const random = seeded(2026);
  for (const { month, at } of MONTHS) {
    cloud.clock.set(Date.parse(at));
    for (const [u, unitCode] of UNITS.entries()) {
      for (let i = 0; i < 1 + ((u + month.length) % 3); i++) {
        const response = generateResponse(random, SERVICES[unitCode]!, 1 + ((u + i) % 4));
        const answer = await calls.postJson(unitCode, response, nextIp());
        expect(answer.status, answer.text).toBe(201);
        sent.push({ unitCode, month, response });
      }
    }
  }
});

afterAll(async () => {
  await cloud?.stop();
});

const at = (instant: string) => cloud.clock.set(Date.parse(instant));
const admin = async (path: string) =>
  fetch(`${cloud.url}${path}`, { headers: { authorization: `Bearer ${await calls.tokenOf('admin')}` } });
const runJob = async (event: Record<string, unknown> = { source: 'aws.events', 'detail-type': 'Scheduled Event' }) => {
  const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('SurveysRollup'))!;
  const result = await cloud.lambda.invoke(fn.functionName, event);
  if (!result.ok) throw new Error(`${result.errorType}: ${result.errorMessage}`);
  return result.payload as { periods: string[]; computedAt: string; checked: number; written: number };
};
const rollupItems = async () =>
  (
    await calls.documents.send(
      new ScanCommand({
        TableName: calls.table(),
        FilterExpression: 'begins_with(PK, :p)',
        ExpressionAttributeValues: { ':p': 'SURVEY_ROLLUP#' },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
/** The counters a roll-up of these months and units must hold, from the responses sent. */
const expectedCounters = (months: readonly string[], units: readonly string[]) => {
  const responses = sent.filter((s) => months.includes(s.month) && units.includes(s.unitCode)).map((s) => s.response);
  const counters: Record<string, number> & { n: number } = { n: responses.length };
  for (const key of ELEMENTS) {
    counters[`sum#${key}`] = responses.reduce((sum, r) => sum + r.answers[key]!, 0);
    for (const score of [1, 2, 3, 4])
      counters[`score#${key}#${score}`] = responses.filter((r) => r.answers[key] === score).length;
  }
  counters.suggestions = responses.filter((r) => r.suggestion).length;
  return counters;
};
const countersOf = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.keys(expectedCounters([], [])).map((name) => [name, Number(item[name] ?? 0)]));
/** An overview without how it was produced, to compare computed with materialized. */
const figures = ({ source: _, computedAt: __, ...rest }: Record<string, unknown>) => rest;

describe('the roll-up job', () => {
  let firstRun: string;
  let computedQ1: Record<string, unknown>;
  let computedYear: Record<string, unknown>;
  let computedCalls: Record<string, number>;

  beforeAll(async () => {
    at('2026-04-02T03:00:00Z');
    computedQ1 = await json(await admin('/surveys/overview?period=2026-Q1&minResponses=1'));
    const token = await calls.tokenOf('admin');
    cloud.resetDynamodbCalls();
    const answer = await fetch(`${cloud.url}/surveys/overview?period=2026&minResponses=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    computedCalls = cloud.dynamodbCalls();
    computedYear = await json(answer);
  });

  it('leaves the overview computed on read before it has run', () => {
    expect(computedQ1).toMatchObject({ source: 'computed', city: { units: UNITS.length } });
    expect(computedYear).toMatchObject({ source: 'computed' });
  });

  it('sums the monthly aggregates into unit, type and city items of the current and, early in a month, the previous month’s periods', async () => {
    const run = await runJob();
    firstRun = run.computedAt;

    expect(run.periods).toEqual(['2026', '2026-03', '2026-04', '2026-Q1', '2026-Q2', '2026-S1']);
    expect(run.written).toBeGreaterThan(0);
    const items = await rollupItems();
    const find = (scope: string, period: string) =>
      items.find((i) => i.PK === `SURVEY_ROLLUP#${scope}` && i.SK === `permenpanrb-14-2017#${period}`);
    const sentMonths: Record<string, string[]> = {
      '2026': ['2026-01', '2026-02', '2026-04'],
      '2026-S1': ['2026-01', '2026-02', '2026-04'],
      '2026-Q1': ['2026-01', '2026-02'],
      '2026-Q2': ['2026-04'],
      '2026-04': ['2026-04'],
    };
    for (const [period, months] of Object.entries(sentMonths)) {
      for (const unitCode of UNITS) {
        expect(countersOf(find(`UNIT#${unitCode}`, period)!), `${unitCode} ${period}`).toEqual(
          expectedCounters(months, [unitCode]),
        );
      }
      expect(countersOf(find('CITY', period)!), period).toEqual(expectedCounters(months, UNITS));
      expect(countersOf(find('TYPE#sekolah', period)!), period).toEqual(expectedCounters(months, ['SMP-N1', 'SMP-N9']));
      expect(find('CITY', period)).toMatchObject({ months: expect.any(Array), computedAt: run.computedAt });
    }
    // March had no responses: the city item says so (and that the period was rolled up); no unit item.
    expect(find('CITY', '2026-03')).toMatchObject({ n: 0, units: [] });
    expect(items.filter((i) => String(i.SK).endsWith('#2026-03'))).toHaveLength(1);
    // January and February are neither the current month nor the previous one.
    expect(find('CITY', '2026-01')).toBeUndefined();
  });

  it('changes nothing when it runs again', async () => {
    const before = await rollupItems();
    at('2026-04-02T03:15:00Z');

    const run = await runJob();

    expect(run).toMatchObject({ written: 0 });
    expect(run.checked).toBeGreaterThan(0);
    expect(await rollupItems()).toEqual(expect.arrayContaining(before));
    expect(await rollupItems()).toHaveLength(before.length);
  });

  it('lets the overview read the roll-ups: the same figures as computed on read, in fewer calls', async () => {
    const token = await calls.tokenOf('admin');
    cloud.resetDynamodbCalls();
    const answer = await fetch(`${cloud.url}/surveys/overview?period=2026&minResponses=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const materializedCalls = cloud.dynamodbCalls();
    const year = await json(answer);
    const q1 = await json(await admin('/surveys/overview?period=2026-Q1&minResponses=1'));

    expect(year).toMatchObject({ source: 'materialized', computedAt: firstRun });
    expect(figures(year)).toEqual(figures(computedYear));
    expect(q1.source).toBe('materialized');
    expect(figures(q1)).toEqual(figures(computedQ1));
    // Computed: month items, then shards (units × 12 months); materialized: one BatchGetItem of the roll-ups.
    expect(materializedCalls.BatchGetItem).toBe(1);
    expect(computedCalls.BatchGetItem).toBeGreaterThan(1);
    expect(materializedCalls.Query).toBe(computedCalls.Query);
  });

  it('recomputes a whole year when asked (backfill), and trends read the closed periods it rolled up', async () => {
    const before = await json(await admin('/surveys/PKM-DEMPO/trend?from=2026-01&to=2026-04'));

    const run = await runJob({ year: '2026' });
    const after = await json(await admin('/surveys/PKM-DEMPO/trend?from=2026-01&to=2026-04'));

    expect(run.periods).toHaveLength(12 + 4 + 2 + 1);
    expect(before.points.map((p: { source: string }) => p.source)).toEqual([
      'computed',
      'computed',
      'materialized',
      'computed',
    ]);
    // April is the current month: always computed, so a new answer shows at once.
    expect(after.points.map((p: { source: string }) => p.source)).toEqual([
      'materialized',
      'materialized',
      'materialized',
      'computed',
    ]);
    const withoutSource = (trend: { points: Record<string, unknown>[] }) =>
      trend.points.map(({ source: _, ...point }) => point);
    expect(withoutSource(after)).toEqual(withoutSource(before));
    expect(after.points[0]).toMatchObject({
      responses: expectedCounters(['2026-01'], ['PKM-DEMPO']).n,
    });
    const january = await json(await admin('/surveys/overview?period=2026-01&minResponses=1'));
    expect(january.source).toBe('materialized');
  });

  it('keeps a response after the run out of the overview until the next run', async () => {
    at('2026-04-03T05:00:00Z');
    const response = generateResponse(seeded(7), [], 4);
    expect((await calls.postJson('DINKES', response, '127.42.0.1')).status).toBe(201);
    sent.push({ unitCode: 'DINKES', month: '2026-04', response });

    const stale = await json(await admin('/surveys/overview?period=2026-Q2&minResponses=1'));
    const run = await runJob();
    const fresh = await json(await admin('/surveys/overview?period=2026-Q2&minResponses=1'));

    expect(stale.city.responses).toBe(expectedCounters(['2026-04'], UNITS).n - 1);
    expect(fresh).toMatchObject({
      source: 'materialized',
      computedAt: run.computedAt,
      city: { responses: expectedCounters(['2026-04'], UNITS).n },
    });
  });
});
