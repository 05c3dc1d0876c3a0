import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { expect } from 'vitest';
import type { LocalCloud } from '#infra/local/cloud';
import { type HttpAnswer, json, sendFrom } from './http.ts';

/**
 * Test helpers for the survey: requests from distinct loopback addresses (the public POSTs are rate-limited per
 * client address, and Linux routes all of 127.0.0.0/8 to the loopback), generated responses, and an oracle that
 * computes a report's figures from the raw answers on its own — it imports nothing from shared/surveys, so a bug
 * there cannot hide in the expected values.
 */

/** The nine element keys of PermenPAN-RB 14/2017, written out here on purpose (not imported). */
export const ELEMENTS = [
  'persyaratan',
  'prosedur',
  'waktu',
  'biaya',
  'produk',
  'kompetensi',
  'perilaku',
  'sarana',
  'pengaduan',
] as const;

/** Distinct client addresses: 127.<block>.x.y, a new one per call. */
export const addresses = (block: number) => {
  let next = 0;
  return () => {
    next++;
    return `127.${block}.${Math.floor(next / 250)}.${(next % 250) + 1}`;
  };
};

/** A deterministic pseudo-random source (mulberry32), so a failing run can be replayed. */
export const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export interface RawResponse {
  answers: Record<string, number>;
  service?: string;
  respondent?: Record<string, string>;
  suggestion?: string;
}

const AGE_BANDS = ['lt-20', '20-29', '30-39', '40-49', '50-59', '60-plus'];
const GENDERS = ['L', 'P'];

/** A response whose scores lean to `lean` (1..4), with optional data now and then. */
export const generateResponse = (random: () => number, services: readonly string[], lean: number): RawResponse => {
  const score = () => Math.min(4, Math.max(1, Math.round(lean + (random() - 0.5) * 2.2)));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const respondent: Record<string, string> = {};
  if (random() < 0.6) respondent.ageBand = pick(AGE_BANDS);
  if (random() < 0.7) respondent.gender = pick(GENDERS);
  return {
    answers: Object.fromEntries(ELEMENTS.map((key) => [key, score()])),
    ...(services.length ? { service: pick(services) } : {}),
    ...(Object.keys(respondent).length ? { respondent } : {}),
    ...(random() < 0.2 ? { suggestion: `Saran nomor ${Math.floor(random() * 1e6)}` } : {}),
  };
};

/** The response as the survey form posts it (urlencoded). */
export const asForm = (response: RawResponse, responseId: string): string => {
  const fields = new URLSearchParams({ responseId, instrumentVersion: 'permenpanrb-14-2017' });
  for (const [key, value] of Object.entries(response.answers)) fields.set(`answers.${key}`, String(value));
  if (response.service) fields.set('service', response.service);
  for (const [key, value] of Object.entries(response.respondent ?? {})) fields.set(`respondent.${key}`, value);
  if (response.suggestion) fields.set('suggestion', response.suggestion);
  fields.set('website', '');
  return fields.toString();
};

/** Half-up rounding of num/den to `decimals`, in BigInt, as the fixed-decimal text and its number. */
const halfUp = (num: bigint, den: bigint, decimals: number): number => {
  const scale = 10n ** BigInt(decimals);
  const scaled = (2n * num * scale + den) / (2n * den);
  return Number(scaled) / Number(scale);
};

/** Grades from PermenPAN-RB 14/2017's table (IKM rounded to 2 decimals), written out here. */
const grade = (ikm: number): { mutu: string; kinerja: string } => {
  const hundredths = Math.round(ikm * 100);
  if (hundredths >= 8831) return { mutu: 'A', kinerja: 'Sangat baik' };
  if (hundredths >= 7661) return { mutu: 'B', kinerja: 'Baik' };
  if (hundredths >= 6500) return { mutu: 'C', kinerja: 'Kurang baik' };
  return { mutu: 'D', kinerja: 'Tidak baik' };
};

/** What a report must say about these responses, computed from the raw answers. */
export const oracle = (responses: readonly RawResponse[]) => {
  const n = responses.length;
  const elements = Object.fromEntries(
    ELEMENTS.map((key) => {
      const scores = responses.map((r) => r.answers[key]!);
      const sum = scores.reduce((a, b) => a + b, 0);
      const distribution = Object.fromEntries(
        [1, 2, 3, 4].map((v) => [String(v), scores.filter((s) => s === v).length]),
      );
      return [
        key,
        {
          answers: n,
          sum,
          nrr: n ? halfUp(BigInt(sum), BigInt(n), 3) : null,
          mutu: n ? grade(halfUp(25n * BigInt(sum), BigInt(n), 2)).mutu : null,
          distribution,
        },
      ];
    }),
  );
  const total = responses.reduce((s, r) => s + Object.values(r.answers).reduce((a, b) => a + b, 0), 0);
  // IKM = 25 × total / (9 × n): every response answers all nine elements, each weighing 1/9.
  const ikm = n ? halfUp(25n * BigInt(total), 9n * BigInt(n), 2) : null;
  const count = (values: (string | undefined)[]) => {
    const counts: Record<string, number> = {};
    for (const value of values) if (value !== undefined) counts[value] = (counts[value] ?? 0) + 1;
    return counts;
  };
  return {
    responses: n,
    ikm,
    ...(ikm === null ? { mutu: null, kinerja: null } : grade(ikm)),
    elements,
    services: count(responses.map((r) => r.service)),
    ageBand: { ...count(responses.map((r) => r.respondent?.ageBand)) },
    gender: { ...count(responses.map((r) => r.respondent?.gender)) },
    suggestions: responses.filter((r) => r.suggestion).length,
  };
};

/** Runs `tasks` with at most `limit` in flight; answers in order. */
export const inParallel = async <T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> => {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
};

/** Calls on a running local cloud: survey POSTs from given client addresses, reports, and raw reads of the table. */
export const surveyCalls = (cloud: LocalCloud) => {
  const documents = DynamoDBDocumentClient.from(cloud.dynamodb);
  const table = () => cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
  const tokenOf = (who: 'admin' | 'operator-dinkes' | 'unit-head') =>
    who === 'admin'
      ? cloud.token({ sub: 'dev-admin', groups: ['admin'] })
      : who === 'unit-head'
        ? cloud.token({ sub: 'dev-unit-head', groups: ['unit-head'] })
        : cloud.token({ sub: 'dev-operator-dinkes', groups: ['operator'] });
  return {
    documents,
    table,
    tokenOf,
    /** POST a JSON response as the client at `ip`. */
    postJson: (unitCode: string, body: unknown, ip: string): Promise<HttpAnswer> =>
      sendFrom(ip, `${cloud.url}/surveys/${unitCode}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    /** POST the survey form (urlencoded) as the client at `ip`. */
    postForm: (unitCode: string, form: string, ip: string): Promise<HttpAnswer> =>
      sendFrom(ip, `${cloud.url}/s/${unitCode}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      }),
    /** GET a report as someone (admin by default), with a token issued at the clock's time. */
    getReport: async (unitCode: string, query: string, who: Parameters<typeof tokenOf>[0] = 'admin') =>
      fetch(`${cloud.url}/surveys/${unitCode}/report?${query}`, {
        headers: { authorization: `Bearer ${await tokenOf(who)}` },
      }),
    /** Every item of a unit's survey month (the month item and the aggregate shards), read consistently. */
    monthItems: async (unitCode: string, month: string) =>
      (
        await documents.send(
          new QueryCommand({
            TableName: table(),
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': `SURVEY_MONTH#${unitCode}#${month}` },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [],
    /** How many responses of a unit and month are stored (counted on the raw-export index). */
    storedResponses: async (unitCode: string, month: string): Promise<number> =>
      (
        await documents.send(
          new QueryCommand({
            TableName: table(),
            IndexName: 'GSI1',
            KeyConditionExpression: 'GSI1PK = :p',
            ExpressionAttributeValues: { ':p': `SURVEY_RESPONSES#${unitCode}#${month}` },
            Select: 'COUNT',
          }),
        )
      ).Count ?? 0,
  };
};

const shuffle = <T>(items: T[], random: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
};

const withoutNotGiven = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([key]) => key !== 'tidak-diisi'));

export interface StormOptions {
  units: { code: string; services: string[]; lean: number }[];
  /** Each month with the instant the clock is set to while its responses are sent. */
  months: { month: string; clock: string }[];
  perUnitAndMonth: number;
  conflictRate: number;
  /** Requests in flight at once. */
  inFlight: number;
  seed: number;
  /** First octet after 127 of the client addresses (distinct per storm). */
  addressBlock: number;
}

/**
 * Sends generated responses concurrently (shuffled across units, half through the form and half through the JSON
 * API, each from its own client address) with TransactionConflict injected, month by month, then checks for each
 * unit and month: no 5xx, the report equals the oracle computed from the raw answers, stored response items equal
 * the aggregate count, elements weakest first. Answers what it measured.
 */
export const responseStorm = async (cloud: LocalCloud, options: StormOptions) => {
  const calls = surveyCalls(cloud);
  const random = seeded(options.seed);
  const nextIp = addresses(options.addressBlock);
  const sent = new Map<string, RawResponse[]>();
  const statuses: number[] = [];
  cloud.faults.dynamodb.transactionConflictRate = options.conflictRate;
  cloud.resetDynamodbCalls();
  const started = performance.now();
  try {
    for (const { month, clock } of options.months) {
      cloud.clock.set(Date.parse(clock));
      const tasks = options.units.flatMap((unit) =>
        Array.from({ length: options.perUnitAndMonth }, (_, i) => {
          const response = generateResponse(random, unit.services, unit.lean);
          const key = `${unit.code} ${month}`;
          sent.set(key, [...(sent.get(key) ?? []), response]);
          const ip = nextIp();
          return () =>
            i % 2 === 0
              ? calls.postForm(unit.code, asForm(response, ulid()), ip)
              : calls.postJson(unit.code, { ...response, responseId: ulid() }, ip);
        }),
      );
      const answers = await inParallel(options.inFlight, shuffle(tasks, random));
      statuses.push(...answers.map((a) => a.status));
    }
  } finally {
    cloud.faults.dynamodb.transactionConflictRate = 0;
  }
  const elapsedMs = performance.now() - started;
  const transactions = cloud.dynamodbCalls().TransactWriteItems ?? 0;
  const total = options.units.length * options.months.length * options.perUnitAndMonth;

  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.filter((s) => s !== 200 && s !== 201)).toEqual([]);
  // The conflicts happened, and were retried inside the function rather than surfaced.
  expect(transactions).toBeGreaterThan(total);

  const lastMonth = options.months.at(-1)!;
  cloud.clock.set(Date.parse(lastMonth.clock) + 86_400_000);
  for (const unit of options.units) {
    for (const { month } of options.months) {
      const expected = oracle(sent.get(`${unit.code} ${month}`)!);
      const report = await json(await calls.getReport(unit.code, `from=${month}`));

      expect(report.responses).toBe(expected.responses);
      expect(await calls.storedResponses(unit.code, month)).toBe(report.responses);
      expect({ ikm: report.ikm, mutu: report.mutu, kinerja: report.kinerja }).toEqual({
        ikm: expected.ikm,
        mutu: expected.mutu,
        kinerja: expected.kinerja,
      });
      for (const element of report.elements) {
        expect(element, `${unit.code} ${month} ${element.key}`).toMatchObject(expected.elements[element.key]!);
      }
      const nrrs = report.elements.map((e: { sum: number; answers: number }) => e.sum / e.answers);
      expect(nrrs).toEqual([...nrrs].sort((a, b) => a - b));
      expect(
        Object.fromEntries(report.services.map((s: { name: string; responses: number }) => [s.name, s.responses])),
      ).toEqual(expected.services);
      expect(withoutNotGiven(report.respondents.ageBand)).toEqual(expected.ageBand);
      expect(withoutNotGiven(report.respondents.gender)).toEqual(expected.gender);
      expect(report.suggestions).toBe(expected.suggestions);
    }
  }
  return { total, elapsedMs, transactions, retries: transactions - total };
};
