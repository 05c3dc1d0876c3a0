import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import type { LocalCloud } from '#infra/local/cloud';
import { buildEventV2 } from '#infra/local/http-api';
import {
  rateLimitKeys,
  surveyAggregateKeys,
  surveyMonthKeys,
  surveyResponseKeys,
  surveyResponsesPartition,
  unitKeys,
} from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { aggregateUpdate, DEFAULT_SHARDS } from '#shared/surveys/aggregates';
import { DEFAULT_INSTRUMENT } from '#shared/surveys/instrument';
import { sourceAddress } from '../cold-start/events.ts';
import { processCpuMs } from '../lib/dynamodb-local.ts';
import { send } from '../lib/http.ts';
import { type LoadResult, mergeLoads, runLoad } from '../lib/load.ts';
import { summarize } from '../lib/stats.ts';
import { type SurveyUnit, surveyResponseBody } from './payload.ts';

/** Budgets of issue 8 for survey submit. */
export const SURVEY_BUDGETS = { sequentialMedianRatio: 1.5, concurrentThroughputRatio: 0.8 } as const;
export const SURVEY_ROUTE = 'POST /surveys/{unitCode}/responses';

export interface SurveyOptions {
  cloud: LocalCloud;
  unit: SurveyUnit;
  table: string;
  /** DynamoDB Local itself (the floor's endpoint); the runtime's functions reach it through a proxy. */
  dynamoEndpoint: string;
  /** Process id of the DynamoDB Local JVM, to split CPU time between it and this process. */
  dynamoPid?: number;
  /** Measured sequential requests of each kind. */
  sequential: number;
  /** Unmeasured requests before measuring, at `concurrency` in flight (and a quarter of it sequentially). */
  warmup: number;
  /** Seconds of each measured concurrent phase (each kind). */
  concurrentSeconds: number;
  concurrency: number;
  /** Alternating blocks per kind, so drifting load lands on both. */
  blocks: number;
  log: (line: string) => void;
}

export interface SurveyResult {
  route: string;
  unitCode: string;
  workersPerFunction: string;
  product: { sequential: LoadResult; concurrent: LoadResult };
  /** The same TransactWriteItems sent straight to DynamoDB Local: the budget's floor. */
  floor: { sequential: LoadResult; concurrent: LoadResult };
  /** The same, through the runtime's DynamoDB endpoint (its fault-injection proxy): shows the emulation's share. */
  floorViaRuntimeEndpoint: { sequential: LoadResult; concurrent: LoadResult };
  /**
   * Where a sequential submit's time goes (medians): the whole HTTP request; the invocation alone (the event handed
   * to the function's worker, as the gateway does); the handler inside the worker (what Lambda bills).
   */
  breakdown: { httpMs: number; invokeMs: number; handlerMs: number; n: number };
  /**
   * CPU time per request in the concurrent phases (ms): this process (HTTP client, gateway, the function's worker
   * threads, the endpoint proxy; or the floor's SDK client) and the DynamoDB Local JVM.
   */
  cpuPerRequest: { product: CpuShare; floor: CpuShare };
  /** Sequential medians of each kind of call the product makes, sent straight to DynamoDB Local (ms). */
  callFloors: { rateLimitUpdate: number; batchGetUnitAndMonth: number; transactWriteItems: number };
  /** DynamoDB calls per stored response, by operation, seen at the runtime's endpoint. */
  dynamodbCallsPerRequest: Record<string, number>;
  /** The floor's transaction has the product's shape: same attributes on the response item. */
  floorShapeMatches: boolean;
  correctness: { stored: number; aggregateResponses: number; indexedResponses: number; failures: string[] };
  sequentialRatio: number;
  concurrentThroughputRatio: number;
  pass: { sequential: boolean; concurrent: boolean; correctness: boolean };
}

export interface CpuShare {
  node: number;
  dynamodbLocal?: number;
}

type Documents = DynamoDBDocumentClient;
const documentsOf = (client: DynamoDBClient): Documents =>
  DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });

/**
 * The floor: what storing one response costs DynamoDB and nothing else: the TransactWriteItems the product sends
 * (the response Put under `attribute_not_exists`, the ADDs to one random aggregate shard), built with the product's
 * own key builders, item stamp and aggregate update, for a unit of its own so the product's aggregates stay exact.
 */
const floorTransaction = (
  table: string,
  unitCode: string,
  month: string,
  body: ReturnType<typeof surveyResponseBody>,
) => {
  const instrument = DEFAULT_INSTRUMENT;
  const shard = Math.floor(Math.random() * DEFAULT_SHARDS);
  const respondent = body.respondent ?? {};
  const suggestion = body.suggestion;
  return new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: table,
          Item: {
            ...surveyResponseKeys(body.responseId, unitCode, month, suggestion !== undefined),
            ...migrations.stamp('survey-response', {
              id: body.responseId,
              unitCode,
              month,
              instrumentVersion: instrument.version,
              answers: body.answers,
              ...(body.service !== undefined ? { service: body.service } : {}),
              ...(Object.keys(respondent).length ? { respondent } : {}),
              ...(suggestion !== undefined ? { suggestion } : {}),
              shard,
              receivedAt: new Date().toISOString(),
            }),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Update: aggregateUpdate(
          table,
          surveyAggregateKeys(unitCode, month, instrument.version, shard),
          { unitCode, month, instrumentVersion: instrument.version, shard },
          { answers: body.answers, service: body.service, respondent, hasSuggestion: suggestion !== undefined },
        ),
      },
    ],
  });
};

const sumBy = (counts: Record<string, number>, divisor: number) =>
  Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([op, n]) => [op, Math.round((n / divisor) * 100) / 100]),
  );

/**
 * Survey submit: `POST /surveys/{unitCode}/responses` through the local runtime's HTTP API (gateway, the function's
 * worker, rate limit, validation, the transaction with its aggregate), sequentially and at 32 in flight, against
 * the floor. Every request comes from its own source address, as citizens' phones do.
 */
export const runSurveySubmit = async (options: SurveyOptions): Promise<SurveyResult> => {
  const { cloud, unit, table, log } = options;
  const url = `${cloud.url}/surveys/${encodeURIComponent(unit.code)}/responses`;
  let address = 1_000;
  let stored = 0;
  const statuses = new Map<number, number>();
  let month = '';
  let lastResponseId = '';

  const submit = async () => {
    const body = surveyResponseBody(unit);
    const answer = await send(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      localAddress: sourceAddress(address++),
    });
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    if (answer.status !== 201) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 160)}`);
    stored++;
    if (!month) month = (JSON.parse(answer.body) as { month: string }).month;
    lastResponseId = body.responseId;
  };

  // The first response records the month; the floor needs it.
  await submit();
  const floorUnit = `FLOOR-${unit.code}`;
  const straight = documentsOf(
    new DynamoDBClient({
      endpoint: options.dynamoEndpoint,
      region: 'ap-southeast-3',
      credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID!, secretAccessKey: 'local' },
    }),
  );
  const viaRuntime = documentsOf(cloud.dynamodb);
  const floorOn = (client: Documents) => async () => {
    await client.send(floorTransaction(table, floorUnit, month, surveyResponseBody(unit)));
  };

  // The same request handed straight to the function (no HTTP, no gateway): how much is the handler's own.
  const route = cloud.system.routes.find((r) => r.routeKey === SURVEY_ROUTE)!;
  const handlerMs: number[] = [];
  const invoke = async () => {
    const body = surveyResponseBody(unit);
    const event = buildEventV2(
      {
        method: 'POST',
        url: `/surveys/${unit.code}/responses`,
        rawHeaders: ['Host', '127.0.0.1', 'Content-Type', 'application/json'],
        body: Buffer.from(JSON.stringify(body)),
        sourceIp: sourceAddress(address++),
        protocol: 'HTTP/1.1',
      },
      { route, pathParameters: { unitCode: unit.code } },
      {
        now: Date.now(),
        requestId: randomUUID(),
        apiId: 'bench',
        region: 'ap-southeast-3',
        accountId: '000000000000',
        domainName: '127.0.0.1',
      },
    );
    const result = await cloud.lambda.invoke(route.functionName, event);
    const status = result.ok ? (result.payload as { statusCode?: number }).statusCode : undefined;
    if (status !== 201) throw new Error(`invoke answered ${result.ok ? status : result.errorType}`);
    stored++;
    handlerMs.push(result.durationMs);
  };
  // Warm-up, unmeasured: the function's workers come up (their cold starts), the JITs of both sides and of
  // DynamoDB Local settle (the route keeps getting faster for the first several hundred requests).
  log('  survey: warming up the route and the floor');
  await runLoad(submit, { concurrency: options.concurrency, count: options.warmup });
  await runLoad(submit, { concurrency: 1, count: options.warmup / 4 });
  await runLoad(invoke, { concurrency: 1, count: options.warmup / 4 });
  await runLoad(floorOn(straight), { concurrency: options.concurrency, count: options.warmup });
  await runLoad(floorOn(viaRuntime), { concurrency: 1, count: options.warmup / 4 });
  handlerMs.length = 0;

  const phases = {
    product: [] as LoadResult[],
    direct: [] as LoadResult[],
    floor: [] as LoadResult[],
    proxy: [] as LoadResult[],
  };
  const calls: Record<string, number> = {};
  const perBlock = Math.max(1, Math.ceil(options.sequential / options.blocks));
  log(`  survey: sequential, ${options.blocks} blocks of ${perBlock} per kind`);
  for (let b = 0; b < options.blocks; b++) {
    cloud.resetDynamodbCalls();
    phases.product.push(await runLoad(submit, { concurrency: 1, count: perBlock }));
    for (const [op, n] of Object.entries(cloud.dynamodbCalls())) calls[op] = (calls[op] ?? 0) + n;
    phases.direct.push(await runLoad(invoke, { concurrency: 1, count: perBlock }));
    phases.floor.push(await runLoad(floorOn(straight), { concurrency: 1, count: perBlock }));
    phases.proxy.push(await runLoad(floorOn(viaRuntime), { concurrency: 1, count: perBlock }));
  }
  const sequentialRequests = phases.product.reduce((a, p) => a + p.completed + p.errors, 0);
  const sequential = {
    product: mergeLoads(phases.product),
    floor: mergeLoads(phases.floor),
    proxy: mergeLoads(phases.proxy),
  };

  const direct = mergeLoads(phases.direct);
  const breakdown = {
    httpMs: sequential.product.latency.median,
    invokeMs: direct.latency.median,
    handlerMs: summarize(handlerMs).median,
    n: direct.completed,
  };

  const cpu = { product: { node: 0, jvm: 0, n: 0 }, floor: { node: 0, jvm: 0, n: 0 } };
  const measured = async (kind: keyof typeof cpu, phase: () => Promise<LoadResult>) => {
    const node = process.cpuUsage();
    const jvm = options.dynamoPid ? processCpuMs(options.dynamoPid) : undefined;
    const result = await phase();
    const used = process.cpuUsage(node);
    const jvmAfter = options.dynamoPid ? processCpuMs(options.dynamoPid) : undefined;
    cpu[kind].node += (used.user + used.system) / 1000;
    cpu[kind].jvm += jvm !== undefined && jvmAfter !== undefined ? jvmAfter - jvm : Number.NaN;
    cpu[kind].n += result.completed;
    return result;
  };
  const share = (c: (typeof cpu)['product']): CpuShare => ({
    node: c.node / c.n,
    ...(Number.isFinite(c.jvm) ? { dynamodbLocal: c.jvm / c.n } : {}),
  });
  const concurrent = { product: [] as LoadResult[], floor: [] as LoadResult[], proxy: [] as LoadResult[] };
  const blockMs = (options.concurrentSeconds * 1000) / options.blocks;
  log(`  survey: ${options.concurrency} in flight, ${options.blocks} blocks of ${Math.round(blockMs)} ms per kind`);
  for (let b = 0; b < options.blocks; b++) {
    const load = { concurrency: options.concurrency, durationMs: blockMs };
    concurrent.product.push(await measured('product', () => runLoad(submit, load)));
    concurrent.floor.push(await measured('floor', () => runLoad(floorOn(straight), load)));
    concurrent.proxy.push(await runLoad(floorOn(viaRuntime), load));
  }

  // Each kind of call the product makes, alone and sequentially: what its DynamoDB round trips cost at least.
  const callCount = Math.max(30, Math.ceil(options.sequential / 3));
  const rateLimitUpdate = await runLoad(
    async (n) => {
      await straight.send(
        new UpdateCommand({
          TableName: table,
          // As shared/http/rate-limit.ts sends it for a client's first request of a minute (the usual case).
          Key: rateLimitKeys(SURVEY_ROUTE, `bench-${n}`, `D${Math.floor(Date.now() / 86_400_000)}`),
          UpdateExpression: 'SET #mw = :minute, #m = :one, #ttl = if_not_exists(#ttl, :ttl) ADD #d :one',
          ConditionExpression:
            '(attribute_not_exists(#mw) OR #mw < :minute) AND (attribute_not_exists(#d) OR #d < :perDay)',
          ExpressionAttributeNames: { '#d': 'd', '#m': 'm', '#mw': 'mw', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':minute': Math.floor(Date.now() / 60_000),
            ':perDay': 50,
            ':ttl': Math.ceil(Date.now() / 1000) + 90_000,
          },
          ReturnValues: 'UPDATED_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    },
    { concurrency: 1, count: callCount },
  );
  const unitKey = unitKeys(unit.code, '', '');
  const batchGet = await runLoad(
    async () => {
      await straight.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: [pk(unitKey), surveyMonthKeys(unit.code, month)], ConsistentRead: false },
          },
        }),
      );
    },
    { concurrency: 1, count: callCount },
  );
  const transactOnly = await runLoad(floorOn(straight), { concurrency: 1, count: callCount });
  const callFloors = {
    rateLimitUpdate: rateLimitUpdate.latency.median,
    batchGetUnitAndMonth: batchGet.latency.median,
    transactWriteItems: transactOnly.latency.median,
  };

  // Correctness: every stored response is counted once in the aggregates and listed once in the unit's month.
  const failures: string[] = [];
  for (const [status, n] of statuses) if (status !== 201) failures.push(`${n} answers with HTTP ${status}`);
  let aggregateResponses = 0;
  let indexedResponses = 0;
  let key: Record<string, unknown> | undefined;
  do {
    const page: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> } =
      await viaRuntime.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :aggregate)',
          ExpressionAttributeValues: { ':pk': surveyMonthKeys(unit.code, month).PK, ':aggregate': 'AGGREGATE#' },
          ConsistentRead: true,
          ExclusiveStartKey: key,
        }),
      );
    for (const item of page.Items ?? []) aggregateResponses += Number(item.n ?? 0);
    key = page.LastEvaluatedKey;
  } while (key);
  do {
    const page: { Count?: number; LastEvaluatedKey?: Record<string, unknown> } = await viaRuntime.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': surveyResponsesPartition(unit.code, month) },
        Select: 'COUNT',
        ExclusiveStartKey: key,
      }),
    );
    indexedResponses += page.Count ?? 0;
    key = page.LastEvaluatedKey;
  } while (key);
  if (aggregateResponses !== stored) failures.push(`aggregates count ${aggregateResponses}, ${stored} were stored`);
  if (indexedResponses !== stored) failures.push(`the month lists ${indexedResponses}, ${stored} were stored`);

  // The floor's response item has the attributes of the product's (compared on one of each).
  const productItem = (
    await viaRuntime.send(
      new GetCommand({ TableName: table, Key: pk(surveyResponseKeys(lastResponseId, '', '', false)) }),
    )
  ).Item;
  const floorId = ulid();
  const floorProbe = surveyResponseBody(unit);
  await viaRuntime.send(floorTransaction(table, floorUnit, month, { ...floorProbe, responseId: floorId }));
  const floorItem = (
    await viaRuntime.send(new GetCommand({ TableName: table, Key: pk(surveyResponseKeys(floorId, '', '', false)) }))
  ).Item;
  const shape = (item: Record<string, unknown> | undefined) =>
    Object.keys(item ?? {})
      .filter((k) => !['GSI2PK', 'GSI2SK', 'suggestion', 'respondent', 'service'].includes(k))
      .sort()
      .join(',');
  const floorShapeMatches = productItem !== undefined && shape(productItem) === shape(floorItem);

  const product = { sequential: sequential.product, concurrent: mergeLoads(concurrent.product) };
  const floor = { sequential: sequential.floor, concurrent: mergeLoads(concurrent.floor) };
  const sequentialRatio = product.sequential.latency.median / floor.sequential.latency.median;
  const concurrentThroughputRatio = product.concurrent.throughput / floor.concurrent.throughput;
  return {
    route: SURVEY_ROUTE,
    unitCode: unit.code,
    workersPerFunction: 'the runtime default (8 worker threads)',
    product,
    floor,
    floorViaRuntimeEndpoint: { sequential: sequential.proxy, concurrent: mergeLoads(concurrent.proxy) },
    breakdown,
    cpuPerRequest: { product: share(cpu.product), floor: share(cpu.floor) },
    callFloors,
    dynamodbCallsPerRequest: sumBy(calls, sequentialRequests),
    floorShapeMatches,
    correctness: { stored, aggregateResponses, indexedResponses, failures },
    sequentialRatio,
    concurrentThroughputRatio,
    pass: {
      sequential: sequentialRatio <= SURVEY_BUDGETS.sequentialMedianRatio,
      concurrent: concurrentThroughputRatio >= SURVEY_BUDGETS.concurrentThroughputRatio,
      correctness: failures.length === 0,
    },
  };
};

const pk = (keys: { PK: string; SK: string }) => ({ PK: keys.PK, SK: keys.SK });
