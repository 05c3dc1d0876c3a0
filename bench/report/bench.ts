import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { LocalCloud } from '#infra/local/cloud';
import { buildEventV2, flattenClaims } from '#infra/local/http-api';
import {
  staffKeys,
  surveyAggregateKeys,
  surveyMonthKeys,
  surveyPopulationKeys,
  surveyResponseKeys,
  surveyResponsesPartition,
  unitKeys,
} from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { demoStaff } from '#shared/directory/demo-seed';
import { aggregateUpdate, DEFAULT_SHARDS } from '#shared/surveys/aggregates';
import { DEFAULT_INSTRUMENT } from '#shared/surveys/instrument';
import { sourceAddress } from '../cold-start/events.ts';
import { send } from '../lib/http.ts';
import { runLoad } from '../lib/load.ts';
import { prng, type Summary, summarize } from '../lib/stats.ts';
import { pool } from '../lib/workflow.ts';
import { type SurveyUnit, surveyResponseBody } from '../survey/payload.ts';
import { type Postgres, startPostgres } from './postgres.ts';

/**
 * Report at scale: `GET /surveys/{unitCode}/report` for units holding 100, 10,000 and 100,000 responses in one WIB
 * month (a unit per size, so the three are measured in the same alternating blocks and drifting machine load lands
 * on each), with the DynamoDB calls each report makes; and, as the peer, the aggregate query survey (SKM) apps
 * typically run, `SELECT count(*), avg(...) ... WHERE unit AND month`, over the same responses in PostgreSQL.
 *
 * Seeding: the first 100 responses of each unit go through the HTTP API (they create the unit's month and its
 * shard count as the product does); the rest are written in bulk: each response item as the product writes it
 * (key builders, `migrations.stamp`), 25 to a BatchWriteItem, and each shard's aggregate as the sum of what the
 * product's own `aggregateUpdate` would ADD for each of its responses, in one UpdateItem per shard (ADD commutes,
 * so the counters are those 100,000 transactions would leave). Checked before measuring: every report counts its
 * responses and sums each element's scores as the response items do, the month's index lists every response, and
 * PostgreSQL counts the same.
 */

export const REPORT_BUDGETS = { scaleRatio: 1.2, peerSpeedup: 10 } as const;
export const REPORT_ROUTE = 'GET /surveys/{unitCode}/report';

export interface ReportOptions {
  cloud: LocalCloud;
  table: string;
  /** DynamoDB Local itself, for the bulk writes. */
  dynamoEndpoint: string;
  /** Units to seed, one per size (active, taking responses, not used by the other benchmarks). */
  units: SurveyUnit[];
  sizes: number[];
  /** Measured reports per size (and peer queries per size), over `blocks` alternating blocks. */
  requests: number;
  blocks: number;
  log: (line: string) => void;
}

export interface ReportLevel {
  responses: number;
  unitCode: string;
  /** Report latency through the HTTP API (ms), sequential. */
  report: Summary;
  /** The same request handed straight to the function's worker (no HTTP, no authorizer): the handler's time (ms). */
  handler: Summary;
  /** DynamoDB calls per report, by operation, seen at the runtime's endpoint. */
  dynamodbCalls: Record<string, number>;
  /** The peer's query round trip (ms), when the peer ran. */
  postgres?: Summary;
}

export interface ReportResult {
  route: string;
  month: string;
  levels: ReportLevel[];
  seeding: { apiResponses: number; bulkResponses: number; seconds: number; itemsPerSecond: number };
  postgres:
    | { status: 'ran'; version: string; query: string; rows: number; plan: string; loadSeconds: number }
    | { status: 'not run'; reason: string };
  /**
   * The report's own DynamoDB reads, sent sequentially from the bench straight to DynamoDB Local (median, ms): the
   * caller's staff item (GetItem), then unit + population + month + the month's shards (one BatchGetItem).
   */
  readsFloor: { getItem: number; batch: number; total: number };
  /** Report at the largest size over report at the smallest (medians). */
  scaleRatio: number;
  /** Identical DynamoDB calls at every size. */
  callsIdentical: boolean;
  /** Peer median over report median, at the largest size. */
  peerSpeedup?: number;
  correctness: { failures: string[] };
  pass: { scale: boolean; calls: boolean; peer?: boolean; correctness: boolean };
}

const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const ELEMENTS = DEFAULT_INSTRUMENT.elements.map((e) => e.key);
/** Addresses of the citizens sending the API-seeded responses (apart from the survey benchmark's). */
const ADDRESSES = 100_000;

type Body = ReturnType<typeof surveyResponseBody>;

/** A response item exactly as `storeSurveyResponse` puts it (without a ticket). */
const responseItem = (unitCode: string, month: string, body: Body, shard: number, receivedAt: string) => ({
  ...surveyResponseKeys(body.responseId, unitCode, month, body.suggestion !== undefined),
  ...migrations.stamp('survey-response', {
    id: body.responseId,
    unitCode,
    month,
    instrumentVersion: DEFAULT_INSTRUMENT.version,
    answers: Object.fromEntries(ELEMENTS.map((key) => [key, body.answers[key]!])),
    ...(body.service !== undefined ? { service: body.service } : {}),
    ...(body.respondent && Object.keys(body.respondent).length ? { respondent: body.respondent } : {}),
    ...(body.suggestion !== undefined ? { suggestion: body.suggestion } : {}),
    shard,
    receivedAt,
  }),
});

/**
 * The sum of what the product's `aggregateUpdate` ADDs for each response of one shard: one UpdateItem with the
 * builder's own SET (the shard's identity, `if_not_exists`) and an ADD of each counter's total.
 */
class ShardSum {
  private readonly totals = new Map<string, number>();
  private set?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };

  constructor(
    private readonly table: string,
    private readonly unitCode: string,
    private readonly month: string,
    private readonly shard: number,
  ) {}

  add(body: Body) {
    const update = aggregateUpdate(
      this.table,
      surveyAggregateKeys(this.unitCode, this.month, DEFAULT_INSTRUMENT.version, this.shard),
      { unitCode: this.unitCode, month: this.month, instrumentVersion: DEFAULT_INSTRUMENT.version, shard: this.shard },
      {
        answers: body.answers,
        service: body.service,
        respondent: body.respondent ?? {},
        hasSuggestion: body.suggestion !== undefined,
      },
    );
    const match = /^SET (.+) ADD (.+)$/.exec(update.UpdateExpression ?? '');
    if (!match) throw new Error(`aggregateUpdate changed shape: ${update.UpdateExpression}`);
    const names = update.ExpressionAttributeNames ?? {};
    const values = (update.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
    for (const pair of match[2]!.split(', ')) {
      const [name, value] = pair.split(' ');
      const attribute = names[name!];
      const amount = values[value!];
      if (attribute === undefined || typeof amount !== 'number') throw new Error(`unexpected ADD clause: ${pair}`);
      this.totals.set(attribute, (this.totals.get(attribute) ?? 0) + amount);
    }
    if (!this.set) {
      const setNames = Object.fromEntries(Object.entries(names).filter(([k]) => match[1]!.includes(k)));
      const setValues = Object.fromEntries(Object.entries(values).filter(([k]) => match[1]!.includes(k)));
      this.set = { expression: match[1]!, names: setNames, values: setValues };
    }
  }

  command(): UpdateCommand | undefined {
    if (!this.set || this.totals.size === 0) return undefined;
    const names = { ...this.set.names };
    const values = { ...this.set.values };
    const adds = [...this.totals].map(([attribute, total], i) => {
      names[`#t${i}`] = attribute;
      values[`:t${i}`] = total;
      return `#t${i} :t${i}`;
    });
    return new UpdateCommand({
      TableName: this.table,
      Key: surveyAggregateKeys(this.unitCode, this.month, DEFAULT_INSTRUMENT.version, this.shard),
      UpdateExpression: `SET ${this.set.expression} ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  }
}

const csvField = (value: string | number | undefined) =>
  value === undefined ? '' : typeof value === 'number' ? String(value) : `"${value.replaceAll('"', '""')}"`;

export const runReportAtScale = async (options: ReportOptions): Promise<ReportResult> => {
  const { cloud, table, units, sizes, log } = options;
  if (units.length < sizes.length) throw new Error(`${sizes.length} units needed, ${units.length} given`);
  const failures: string[] = [];
  const bulk = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: options.dynamoEndpoint,
      region: 'ap-southeast-3',
      credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID!, secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

  // Seeding: the responses of each unit, the first through the API.
  const began = performance.now();
  let month = '';
  let apiResponses = 0;
  let bulkResponses = 0;
  let address = ADDRESSES;
  const bodies = new Map<string, Body[]>();
  const random = prng(8);
  for (const [i, size] of sizes.entries()) {
    const unit = units[i]!;
    const all = Array.from({ length: size }, () => ({ ...surveyResponseBody(unit, random), responseId: ulid() }));
    bodies.set(unit.code, all);
    const viaApi = all.slice(0, Math.min(100, size));
    await pool(viaApi, 8, async (body) => {
      const answer = await send(`${cloud.url}/surveys/${encodeURIComponent(unit.code)}/responses`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
        localAddress: sourceAddress(address++),
      });
      if (answer.status !== 201)
        throw new Error(`seeding ${unit.code}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
      month ||= (JSON.parse(answer.body) as { month: string }).month;
    });
    apiResponses += viaApi.length;
    const rest = all.slice(viaApi.length);
    if (rest.length === 0) continue;
    const receivedAt = new Date(cloud.clock.now()).toISOString();
    const shards = Array.from({ length: DEFAULT_SHARDS }, (_, s) => new ShardSum(table, unit.code, month, s));
    const items = rest.map((body) => {
      const shard = Math.floor(random() * DEFAULT_SHARDS);
      shards[shard]!.add(body);
      return responseItem(unit.code, month, body, shard, receivedAt);
    });
    const batches = Array.from({ length: Math.ceil(items.length / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
    await pool(batches, 8, async (batch) => {
      let requests = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 20) throw new Error('BatchWriteItem kept leaving items unprocessed');
        const answer = await bulk.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (answer.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    });
    for (const shard of shards) {
      const command = shard.command();
      if (command) await bulk.send(command);
    }
    bulkResponses += rest.length;
    log(`  report: ${unit.code} holds ${size} responses (${viaApi.length} through the API)`);
  }
  const seedSeconds = (performance.now() - began) / 1000;

  // Correctness of the seeding, through the product's report: responses and each element's sum as the items say;
  // and the month's index lists each response once.
  const token = await cloud.token({ sub: admin.sub, groups: admin.groups });
  const reportOf = async (unitCode: string) => {
    const answer = await send(`${cloud.url}/surveys/${encodeURIComponent(unitCode)}/report?from=${month}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    });
    if (answer.status !== 200)
      throw new Error(`report of ${unitCode}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`);
    return answer.body;
  };
  // The same request handed straight to the function, as the gateway does after the authorizer: the handler alone.
  const route = cloud.system.routes.find((r) => r.routeKey === REPORT_ROUTE);
  if (!route) throw new Error(`the template has no route ${REPORT_ROUTE}`);
  const claims = flattenClaims(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')));
  const invokeReport = async (unitCode: string) => {
    const event = buildEventV2(
      {
        method: 'GET',
        url: `/surveys/${unitCode}/report?from=${month}`,
        rawHeaders: ['Host', '127.0.0.1', 'Authorization', `Bearer ${token}`],
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
        protocol: 'HTTP/1.1',
      },
      { route, pathParameters: { unitCode } },
      {
        now: Date.now(),
        requestId: randomUUID(),
        apiId: 'bench',
        region: 'ap-southeast-3',
        accountId: '000000000000',
        domainName: '127.0.0.1',
        authorizer: { claims, scopes: null },
      },
    );
    const result = await cloud.lambda.invoke(route.functionName, event);
    const status = result.ok ? (result.payload as { statusCode?: number }).statusCode : undefined;
    if (status !== 200) throw new Error(`invoke answered ${result.ok ? status : result.errorType}`);
    return result.durationMs;
  };
  for (const [i, size] of sizes.entries()) {
    const unit = units[i]!;
    const report = JSON.parse(await reportOf(unit.code)) as {
      responses: number;
      elements: { key: string; sum: number; answers: number }[];
    };
    if (report.responses !== size) failures.push(`${unit.code}: the report counts ${report.responses}, ${size} stored`);
    const all = bodies.get(unit.code)!;
    for (const key of ELEMENTS) {
      const expected = all.reduce((sum, b) => sum + b.answers[key]!, 0);
      const element = report.elements.find((e) => e.key === key);
      if (element?.sum !== expected || element.answers !== size) {
        failures.push(
          `${unit.code} ${key}: sum ${element?.sum} of ${element?.answers}, expected ${expected} of ${size}`,
        );
      }
    }
    let listed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await bulk.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': surveyResponsesPartition(unit.code, month) },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      listed += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    if (listed !== size) failures.push(`${unit.code}: the month lists ${listed} responses, ${size} stored`);
  }
  log(
    `  report: seeded ${apiResponses + bulkResponses} responses in ${seedSeconds.toFixed(0)} s; checks: ${failures.length ? failures.join('; ') : 'all agree'}`,
  );

  // The peer: the same responses in PostgreSQL.
  let postgres: Postgres | undefined;
  let peer: ReportResult['postgres'];
  const peerSql = (unitCode: string) =>
    `SELECT count(*), ${ELEMENTS.map((e) => `avg(${e})`).join(', ')} FROM survey_responses ` +
    `WHERE unit_code = '${unitCode}' AND month = '${month}'`;
  const started = await startPostgres();
  if ('reason' in started) {
    peer = { status: 'not run', reason: started.reason };
    log(`  report: PostgreSQL peer not run: ${started.reason}`);
  } else {
    postgres = started;
    const loadBegan = performance.now();
    await postgres.run(
      `CREATE TABLE survey_responses (id text PRIMARY KEY, unit_code text NOT NULL, month text NOT NULL, ` +
        `instrument_version text NOT NULL, service text, ${ELEMENTS.map((e) => `${e} smallint NOT NULL`).join(', ')}, ` +
        'respondent jsonb, suggestion text, received_at timestamptz NOT NULL); ' +
        'CREATE INDEX survey_responses_unit_month ON survey_responses (unit_code, month)',
    );
    const receivedAt = new Date(cloud.clock.now()).toISOString();
    const rows = [...bodies].flatMap(([unitCode, all]) =>
      all.map((b) =>
        [
          csvField(b.responseId),
          csvField(unitCode),
          csvField(month),
          csvField(DEFAULT_INSTRUMENT.version),
          csvField(b.service),
          ...ELEMENTS.map((e) => csvField(b.answers[e])),
          csvField(b.respondent ? JSON.stringify(b.respondent) : undefined),
          csvField(b.suggestion),
          csvField(receivedAt),
        ].join(','),
      ),
    );
    await postgres.run(
      `COPY survey_responses (id, unit_code, month, instrument_version, service, ${ELEMENTS.join(', ')}, ` +
        'respondent, suggestion, received_at) FROM STDIN WITH (FORMAT csv);',
      `${rows.join('\n')}\n\\.\nVACUUM ANALYZE survey_responses;\n`,
    );
    const loadSeconds = (performance.now() - loadBegan) / 1000;
    for (const [i, size] of sizes.entries()) {
      const { result } = await postgres.time(peerSql(units[i]!.code), 1);
      if (Number(result.split('|')[0]) !== size) failures.push(`PostgreSQL counts ${result.split('|')[0]} for ${size}`);
    }
    const largest = units[sizes.length - 1]!.code;
    const plan = (await postgres.run(`EXPLAIN (ANALYZE, BUFFERS) ${peerSql(largest)}`)).trim();
    peer = {
      status: 'ran',
      version: postgres.version,
      query: peerSql('<unit>').replace(`'${month}'`, `'<month>'`),
      rows: rows.length,
      plan,
      loadSeconds,
    };
    log(`  report: PostgreSQL ${postgres.version} holds ${rows.length} rows (loaded in ${loadSeconds.toFixed(0)} s)`);
  }

  try {
    // Warm-up, unmeasured: the route's workers and JITs, PostgreSQL's caches.
    for (const [i] of sizes.entries()) {
      await runLoad(async () => void (await reportOf(units[i]!.code)), { concurrency: 1, count: 20 });
      await runLoad(async () => void (await invokeReport(units[i]!.code)), { concurrency: 1, count: 10 });
      if (postgres) await postgres.time(peerSql(units[i]!.code), 10);
    }
    // The report's reads alone, straight to DynamoDB Local: what its round trips cost at least.
    const unitCode = units[sizes.length - 1]!.code;
    const pick = ({ PK, SK }: { PK: string; SK: string }) => ({ PK, SK });
    const readOnce = async () => {
      const times: number[] = [];
      let t = performance.now();
      await bulk.send(
        new GetCommand({ TableName: table, Key: pick(staffKeys(admin.sub, '', '')), ConsistentRead: true }),
      );
      times.push(performance.now() - t);
      t = performance.now();
      // As the report asks since it reads the usual shards with the month: one BatchGetItem of all seven items.
      const keys = [
        unitKeys(unitCode, '', ''),
        surveyPopulationKeys(unitCode, month),
        surveyMonthKeys(unitCode, month),
        ...Array.from({ length: DEFAULT_SHARDS }, (_, shard) =>
          surveyAggregateKeys(unitCode, month, DEFAULT_INSTRUMENT.version, shard),
        ),
      ];
      await bulk.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.map(pick), ConsistentRead: true } } }),
      );
      times.push(performance.now() - t);
      return times;
    };
    for (let n = 0; n < 30; n++) await readOnce();
    const reads: number[][] = [];
    for (let n = 0; n < 100; n++) reads.push(await readOnce());
    const part = (i: number) => summarize(reads.map((r) => r[i]!)).median;
    const readsFloor = {
      getItem: part(0),
      batch: part(1),
      total: summarize(reads.map((r) => r[0]! + r[1]!)).median,
    };

    // Measured: alternating blocks, sizes in rotating order; the report's calls counted per size.
    const perBlock = Math.max(1, Math.ceil(options.requests / options.blocks));
    const reportMs = sizes.map(() => [] as number[]);
    const peerMs = sizes.map(() => [] as number[]);
    const handlerMs = sizes.map(() => [] as number[]);
    const calls = sizes.map(() => ({ requests: 0, counts: {} as Record<string, number> }));
    for (let b = 0; b < options.blocks; b++) {
      for (let k = 0; k < sizes.length; k++) {
        const i = (b + k) % sizes.length;
        const unitCode = units[i]!.code;
        cloud.resetDynamodbCalls();
        const load = await runLoad(async () => void (await reportOf(unitCode)), { concurrency: 1, count: perBlock });
        for (const [op, n] of Object.entries(cloud.dynamodbCalls()))
          calls[i]!.counts[op] = (calls[i]!.counts[op] ?? 0) + n;
        calls[i]!.requests += load.completed + load.errors;
        if (load.errors) failures.push(`${load.errors} reports of ${unitCode} failed: ${load.errorSamples.join('; ')}`);
        reportMs[i]!.push(...(load.samples ?? []));
        for (let n = 0; n < Math.ceil(perBlock / 2); n++) handlerMs[i]!.push(await invokeReport(unitCode));
        if (postgres) peerMs[i]!.push(...(await postgres.time(peerSql(unitCode), perBlock)).ms);
      }
    }
    const levels: ReportLevel[] = sizes.map((size, i) => ({
      responses: size,
      unitCode: units[i]!.code,
      report: summarize(reportMs[i]!),
      handler: summarize(handlerMs[i]!),
      dynamodbCalls: Object.fromEntries(
        Object.entries(calls[i]!.counts).map(([op, n]) => [op, Math.round((n / calls[i]!.requests) * 100) / 100]),
      ),
      ...(postgres ? { postgres: summarize(peerMs[i]!) } : {}),
    }));
    const smallest = levels[0]!;
    const largest = levels.at(-1)!;
    const scaleRatio = largest.report.median / smallest.report.median;
    const callsKey = (l: ReportLevel) =>
      JSON.stringify(Object.entries(l.dynamodbCalls).sort(([a], [b]) => a.localeCompare(b)));
    const callsIdentical = levels.every((l) => callsKey(l) === callsKey(smallest));
    const peerSpeedup = largest.postgres ? largest.postgres.median / largest.report.median : undefined;
    return {
      route: REPORT_ROUTE,
      month,
      levels,
      seeding: {
        apiResponses,
        bulkResponses,
        seconds: seedSeconds,
        itemsPerSecond: (apiResponses + bulkResponses) / seedSeconds,
      },
      postgres: peer,
      readsFloor,
      scaleRatio,
      callsIdentical,
      ...(peerSpeedup !== undefined ? { peerSpeedup } : {}),
      correctness: { failures },
      pass: {
        scale: scaleRatio <= REPORT_BUDGETS.scaleRatio,
        calls: callsIdentical,
        ...(peerSpeedup !== undefined ? { peer: peerSpeedup >= REPORT_BUDGETS.peerSpeedup } : {}),
        correctness: failures.length === 0,
      },
    };
  } finally {
    await postgres?.stop();
    bulk.destroy();
  }
};
