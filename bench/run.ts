/**
 * `npm run bench`: the benchmarks of issue 8, each paired with a floor measured in the same run on the same
 * machine. Boots the local runtime from the synthesized `dev` app, warms DynamoDB Local up, runs every benchmark
 * whose capability exists, writes bench/results/latest.json and latest.md, and exits 1 when a budget is missed.
 * Never part of `npm test`. Options: `npm run bench -- --help`.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { projectRoot } from '#infra/local/synth';
import { runApprovals } from './approvals/bench.ts';
import { runColdStarts } from './cold-start/bench.ts';
import { dynamoDbLocal } from './lib/dynamodb-local.ts';
import { runLoad } from './lib/load.ts';
import { describeMachine, machineLoad } from './lib/machine.ts';
import { type BenchReport, budgetRows, compactJson, markdown, type NotRun } from './lib/report.ts';
import { runRegistrationStorm, STORM_CAPACITY } from './registrations/bench.ts';
import { REPORT_ROUTE, runReportAtScale } from './report/bench.ts';
import { runSurveySubmit, SURVEY_ROUTE } from './survey/bench.ts';
import { surveyUnit, surveyUnits } from './survey/payload.ts';

const HELP = `npm run bench [-- options]
  --runs <n>               cold-start runs per bundle (default 15; one unmeasured run first)
  --only <regex>           cold starts of the functions whose logical id matches (partial run)
  --variants <a,b>         functions whose bundling variants are measured (default: PlatformApi,
                           SurveyPublicApi and the largest bundle); "none" for none
  --skip <list>            leave benchmarks out (partial run): cold, survey, report, approvals, storm
  --warmup-seconds <s>     DynamoDB Local warm-up before measuring (default 20)
  --sequential <n>         survey submits measured sequentially, per kind (default 300)
  --concurrent-seconds <s> seconds at 32 in flight, per kind (default 12)
  --report-sizes <a,b,c>   responses per unit for the report at scale (default 100,10000,100000)
  --report-requests <n>    reports measured per size (default 150; as many peer queries)
  --approvals <n>          three-stage requests submitted at once (default 200)
  --storm <n>              final approvals at once into the 30-seat batch (default 1000)
  --quick                  a short smoke run: 3 runs, 5 s warm-up, 60 sequential, 4 s concurrent; report at
                           100/1,000/10,000 responses, 40 approvals, a storm of 100
  --out <dir>              where latest.json and latest.md go (default bench/results; partial and quick
                           runs default to bench/results/tmp, which is not committed)`;

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string' },
    only: { type: 'string' },
    variants: { type: 'string' },
    skip: { type: 'string' },
    'warmup-seconds': { type: 'string' },
    sequential: { type: 'string' },
    'concurrent-seconds': { type: 'string' },
    'report-sizes': { type: 'string' },
    'report-requests': { type: 'string' },
    approvals: { type: 'string' },
    storm: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(HELP);
  process.exit(0);
}

const quick = args.quick ?? false;
const num = (value: string | undefined, fallback: number) => (value === undefined ? fallback : Number(value));
const options = {
  runs: num(args.runs, quick ? 3 : 15),
  warmupSeconds: num(args['warmup-seconds'], quick ? 5 : 20),
  sequential: num(args.sequential, quick ? 60 : 300),
  concurrentSeconds: num(args['concurrent-seconds'], quick ? 4 : 12),
  concurrency: 32,
  blocks: 3,
  reportSizes: (args['report-sizes'] ?? (quick ? '100,1000,10000' : '100,10000,100000')).split(',').map(Number),
  reportRequests: num(args['report-requests'], quick ? 30 : 150),
  approvals: num(args.approvals, quick ? 40 : 200),
  storm: num(args.storm, quick ? 100 : 1000),
  only: args.only,
  variants: args.variants,
  skip: (args.skip ?? '').split(',').filter(Boolean),
};
const partial =
  quick ||
  options.only !== undefined ||
  options.skip.length > 0 ||
  args.runs !== undefined ||
  args['report-sizes'] !== undefined ||
  args.approvals !== undefined ||
  args.storm !== undefined;
const outDir = path.resolve(args.out ?? path.join(projectRoot, 'bench', 'results', partial ? 'tmp' : ''));
const workDir = path.join(projectRoot, 'bench', 'results', 'tmp', 'bundles');

const began = Date.now();
const log = (line: string) =>
  console.error(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** Mixed load on DynamoDB Local until its JVM has compiled the hot paths (figures settle after tens of seconds). */
const warmUp = async (endpoint: string, cloud: LocalCloud, table: string, seconds: number) => {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'ap-southeast-3',
      credentials: { accessKeyId: cloud.env.AWS_ACCESS_KEY_ID!, secretAccessKey: 'local' },
    }),
  );
  const key = (n: number) => ({ PK: `BENCH#WARMUP#${n % 500}`, SK: 'WARMUP' });
  const task = async (n: number) => {
    const op = n % 3;
    if (op === 0) await documents.send(new PutCommand({ TableName: table, Item: { ...key(n), n, at: Date.now() } }));
    else if (op === 1) await documents.send(new GetCommand({ TableName: table, Key: key(n) }));
    else {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: { ...key(n), n },
                ConditionExpression: 'attribute_not_exists(#never)',
                ExpressionAttributeNames: { '#never': 'never' },
              },
            },
            {
              Update: {
                TableName: table,
                Key: { PK: `BENCH#WARMUP#AGG#${n % 4}`, SK: 'WARMUP' },
                UpdateExpression: 'ADD a :one, b :one, c :one, d :one, e :one, f :one, g :one, h :one, i :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    }
  };
  const load = await runLoad(task, { concurrency: 16, durationMs: seconds * 1000 });
  documents.destroy();
  return load;
};

const main = async (): Promise<number> => {
  const machine = describeMachine();
  const startLoad = machineLoad();
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${startLoad.uptime}`);
  log('synthesizing the dev app and starting the local runtime (synthesis takes a minute when sources changed)');
  const cloud = await startLocalCloud({ seed: true, accessKeyId: 'bench' });
  const notRun: NotRun[] = [];
  /** Benchmarks that threw: each fails the run. */
  const failedBenchmarks: string[] = [];
  let report: BenchReport | undefined;
  try {
    log(
      `local runtime up at ${cloud.url}: ${cloud.system.functions.length} functions, ${cloud.system.routes.length} routes`,
    );
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))?.tableName;
    if (!table) throw new Error('the template has no domain table (DataDomain...)');
    const jvm = dynamoDbLocal();
    if (!jvm) log('could not find the DynamoDB Local JVM among our children: floors go through the runtime endpoint');
    const dynamoEndpoint = jvm?.endpoint ?? cloud.env.AWS_ENDPOINT_URL_DYNAMODB!;

    log(`warming DynamoDB Local up for ${options.warmupSeconds} s`);
    const warm = await warmUp(dynamoEndpoint, cloud, table, options.warmupSeconds);
    log(
      `  warm-up: ${warm.completed} operations, ${Math.round(warm.throughput)}/s, median ${warm.latency.median.toFixed(2)} ms`,
    );

    const unit = await surveyUnit(cloud.dynamodb, table);
    const hasSurveyRoute = cloud.system.routes.some((r) => r.routeKey === SURVEY_ROUTE);
    let surveySubmit: BenchReport['surveySubmit'];
    if (!hasSurveyRoute) {
      surveySubmit = { status: 'not run', reason: `the template has no route ${SURVEY_ROUTE}` };
      notRun.push({ id: 'survey-submit', title: 'Survey submit', reason: surveySubmit.reason });
    } else if (options.skip.includes('survey')) {
      surveySubmit = { status: 'not run', reason: 'skipped (--skip survey)' };
    } else {
      log(`survey submit: ${SURVEY_ROUTE} for ${unit.code}`);
      surveySubmit = await runSurveySubmit({
        cloud,
        unit,
        table,
        dynamoEndpoint,
        ...(jvm ? { dynamoPid: jvm.pid } : {}),
        sequential: options.sequential,
        warmup: quick ? 200 : 800,
        concurrentSeconds: options.concurrentSeconds,
        concurrency: options.concurrency,
        blocks: options.blocks,
        log,
      });
      log(
        `  sequential median ${surveySubmit.product.sequential.latency.median.toFixed(2)} ms vs floor ` +
          `${surveySubmit.floor.sequential.latency.median.toFixed(2)} ms; ${options.concurrency} in flight ` +
          `${Math.round(surveySubmit.product.concurrent.throughput)}/s vs ${Math.round(surveySubmit.floor.concurrent.throughput)}/s`,
      );
    }

    let coldStart: BenchReport['coldStart'];
    if (options.skip.includes('cold')) {
      coldStart = { status: 'not run', reason: 'skipped (--skip cold)' };
    } else {
      const largest = [...cloud.system.functions].sort(
        (a, b) => statSync(path.join(b.assetDir, 'index.mjs')).size - statSync(path.join(a.assetDir, 'index.mjs')).size,
      )[0];
      const variantFunctions =
        options.variants === 'none'
          ? []
          : options.variants
            ? options.variants.split(',')
            : ['PlatformApi', 'SurveyPublicApi', largest?.logicalId.replace(/Fn[0-9A-F]{8}$/, '') ?? ''];
      log(`cold starts: ${options.runs} runs per bundle; variants for ${variantFunctions.join(', ') || 'none'}`);
      coldStart = await runColdStarts({
        cloud,
        unit,
        workDir,
        runs: options.runs,
        ...(options.only ? { only: new RegExp(options.only) } : {}),
        variantFunctions: [...new Set(variantFunctions.filter(Boolean))],
        log,
      });
      log(
        `  floor median ${coldStart.floor.wall.median.toFixed(0)} ms; ` +
          `${coldStart.functions.filter((f) => !f.pass).length} of ${coldStart.functions.length} functions over ${coldStart.budget}x`,
      );
    }

    const skipped = (id: string, title: string, skip: string, why: string | undefined) => {
      const reason = why ?? (options.skip.includes(skip) ? `skipped (--skip ${skip})` : undefined);
      if (reason) notRun.push({ id, title, reason });
      return reason ? { status: 'not run' as const, reason } : undefined;
    };
    /**
     * Runs one benchmark; a benchmark that throws (a setup call answering 5xx, a timeout) is reported as failed,
     * with the functions' last error lines, and the run goes on to the next one (and exits 1 at the end).
     */
    const guarded = async <T>(id: string, title: string, run: () => Promise<T>) => {
      try {
        return await run();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  ${title}: FAILED: ${message}`);
        const errors = cloud.logs.filter((l) => l.stream === 'stderr' || /"level":"(ERROR|CRITICAL)"/.test(l.line));
        for (const line of errors.slice(-8)) log(`    ${line.functionName}: ${line.line.slice(0, 600)}`);
        const reason = `FAILED: ${message.slice(0, 400)}`;
        failedBenchmarks.push(`${title}: ${message.slice(0, 400)}`);
        notRun.push({ id, title, reason });
        return { status: 'not run' as const, reason };
      }
    };

    let reportAtScale: BenchReport['reportAtScale'] = skipped(
      'report-at-scale',
      'Report at scale',
      'report',
      cloud.system.routes.some((r) => r.routeKey === REPORT_ROUTE)
        ? undefined
        : `the template has no route ${REPORT_ROUTE}`,
    );
    if (!reportAtScale) {
      reportAtScale = await guarded('report-at-scale', 'Report at scale', async () => {
        const units = (await surveyUnits(cloud.dynamodb, table, options.reportSizes.length + 1)).filter(
          (u) => u.code !== unit.code,
        );
        log(`report at scale: ${options.reportSizes.join(' / ')} responses in ${units.map((u) => u.code).join(', ')}`);
        const result = await runReportAtScale({
          cloud,
          table,
          dynamoEndpoint,
          units,
          sizes: options.reportSizes,
          requests: options.reportRequests,
          blocks: 5,
          log,
        });
        const large = result.levels.at(-1)!;
        log(
          `  report medians ${result.levels.map((l) => `${l.responses}: ${l.report.median.toFixed(2)} ms`).join(', ')}; ` +
            `×${result.scaleRatio.toFixed(2)}; PostgreSQL at ${large.responses}: ` +
            `${large.postgres ? `${large.postgres.median.toFixed(2)} ms` : 'not run'}`,
        );
        return result;
      });
    }

    let approvals: BenchReport['approvals'] = skipped(
      'approvals',
      'Approvals',
      'approvals',
      cloud.system.stateMachines.length > 0 && cloud.system.routes.some((r) => r.routeKey === 'POST /workflows')
        ? undefined
        : 'the template has no approval state machine or no route POST /workflows',
    );
    if (!approvals) {
      log(`approvals: ${options.approvals} three-stage requests`);
      approvals = await guarded('approvals', 'Approvals', async () => {
        const result = await runApprovals({ cloud, table, count: options.approvals, log });
        log(
          `  ${result.throughput.toFixed(2)} requests/s; end to end median ${(result.endToEnd.median / 1000).toFixed(1)} s; ` +
            `${result.failures.length ? `failures: ${result.failures.join('; ')}` : 'none lost'}`,
        );
        return result;
      });
    }

    let registrationStorm: BenchReport['registrationStorm'] = skipped(
      'registration-storm',
      'Registration storm',
      'storm',
      cloud.system.routes.some((r) => r.routeKey === 'POST /trainings')
        ? undefined
        : 'the template has no route POST /trainings',
    );
    if (!registrationStorm) {
      log(`registration storm: ${options.storm} final approvals into ${STORM_CAPACITY} seats`);
      registrationStorm = await guarded('registration-storm', 'Registration storm', async () => {
        const result = await runRegistrationStorm({
          cloud,
          table,
          count: options.storm,
          capacity: STORM_CAPACITY,
          log,
        });
        log(
          `  ${result.throughput.toFixed(1)} final approvals/s; POST median ` +
            `${result.decisionPost.median.toFixed(0)} ms, p99 ${result.decisionPost.p99.toFixed(0)} ms; ` +
            `${result.failures.length ? `failures: ${result.failures.join('; ')}` : 'correct'}` +
            (result.gatewayTimeouts
              ? `; ${result.gatewayTimeouts} POSTs answered 503 (the local gateway's 30 s timeout)`
              : ''),
        );
        return result;
      });
    }

    const partialReport = { coldStart, surveySubmit, reportAtScale, registrationStorm, approvals };
    const budgets = budgetRows(partialReport);
    report = {
      issue: 8,
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine,
      load: { start: startLoad, end: machineLoad() },
      durationSeconds: (Date.now() - began) / 1000,
      options: { ...options, dynamoEndpoint: jvm ? 'DynamoDB Local (JVM)' : 'runtime endpoint (proxy)' },
      pass: budgets.length > 0 && budgets.every((b) => b.pass) && failedBenchmarks.length === 0,
      budgets,
      coldStart,
      surveySubmit,
      reportAtScale,
      approvals,
      registrationStorm,
      notRun,
    };
  } finally {
    await cloud.stop();
  }

  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), compactJson(report));
  writeFileSync(path.join(outDir, 'latest.md'), markdown(report));
  const missed = report.budgets.filter((b) => !b.pass);
  log(`wrote ${path.relative(projectRoot, outDir) || '.'}/latest.json and latest.md`);
  for (const b of missed) log(`  budget missed: ${b.benchmark}: ${b.subject}: ${b.ratio} (budget ${b.budget})`);
  log(missed.length === 0 ? 'every budget met' : `${missed.length} of ${report.budgets.length} budgets missed`);
  for (const f of failedBenchmarks) log(`  benchmark failed: ${f}`);
  return missed.length === 0 && failedBenchmarks.length === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
