import type { ColdStartResult, ColdStartRow } from '../cold-start/bench.ts';
import { SURVEY_BUDGETS, type SurveyResult } from '../survey/bench.ts';
import type { Load, Machine } from './machine.ts';
import { round } from './stats.ts';

export interface NotRun {
  id: string;
  title: string;
  reason: string;
}

/** One budget of issue 8, as measured. */
export interface BudgetRow {
  benchmark: string;
  subject: string;
  median: string;
  p99: string;
  floor: string;
  ratio: string;
  budget: string;
  pass: boolean;
}

export interface BenchReport {
  issue: 8;
  command: string;
  machine: Machine;
  load: { start: Load; end: Load };
  durationSeconds: number;
  options: Record<string, unknown>;
  pass: boolean;
  budgets: BudgetRow[];
  coldStart?: ColdStartResult | { status: 'not run'; reason: string };
  surveySubmit?: SurveyResult | { status: 'not run'; reason: string };
  notRun: NotRun[];
}

const ms = (v: number) => (Number.isFinite(v) ? `${round(v)} ms` : '–');
const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const kb = (bytes: number) => (bytes < 10_240 ? (bytes / 1024).toFixed(1) : `${Math.round(bytes / 1024)}`);

/** Budget rows of a run: one per function's cold start, two for survey submit, one for correctness. */
export const budgetRows = (report: Pick<BenchReport, 'coldStart' | 'surveySubmit'>): BudgetRow[] => {
  const rows: BudgetRow[] = [];
  const cold = report.coldStart;
  if (cold && !('status' in cold)) {
    for (const fn of cold.functions) {
      rows.push({
        benchmark: 'cold start',
        subject: `${fn.name} (${fn.event})`,
        median: ms(fn.wall.median),
        p99: ms(fn.wall.p99),
        floor: ms(cold.floor.wall.median),
        ratio: times(fn.ratio),
        budget: `≤ ${cold.budget}×`,
        pass: fn.pass ?? false,
      });
    }
  }
  const survey = report.surveySubmit;
  if (survey && !('status' in survey)) {
    rows.push({
      benchmark: 'survey submit, sequential',
      subject: survey.route,
      median: ms(survey.product.sequential.latency.median),
      p99: ms(survey.product.sequential.latency.p99),
      floor: ms(survey.floor.sequential.latency.median),
      ratio: times(survey.sequentialRatio),
      budget: `≤ ${SURVEY_BUDGETS.sequentialMedianRatio}× (median)`,
      pass: survey.pass.sequential,
    });
    rows.push({
      benchmark: `survey submit, ${survey.product.concurrent.concurrency} in flight`,
      subject: `${survey.route}: ${Math.round(survey.product.concurrent.throughput)}/s`,
      median: ms(survey.product.concurrent.latency.median),
      p99: ms(survey.product.concurrent.latency.p99),
      floor: `${Math.round(survey.floor.concurrent.throughput)}/s`,
      ratio: times(survey.concurrentThroughputRatio),
      budget: `≥ ${SURVEY_BUDGETS.concurrentThroughputRatio}× (throughput)`,
      pass: survey.pass.concurrent,
    });
    rows.push({
      benchmark: 'survey submit, correctness',
      subject: `${survey.correctness.stored} stored; aggregates ${survey.correctness.aggregateResponses}; listed ${survey.correctness.indexedResponses}`,
      median: '',
      p99: '',
      floor: '',
      ratio: '',
      budget: '0 failures',
      pass: survey.pass.correctness,
    });
  }
  return rows;
};

const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`),
  ].join('\n');

const coldRow = (row: ColdStartRow, withVariant: boolean): string[] => [
  row.name,
  ...(withVariant ? [row.variant] : [row.event]),
  ...(withVariant ? [] : [row.statusCodes.map((c) => c ?? '–').join(', ')]),
  kb(row.bundleBytes),
  ms(row.wall.median),
  ms(row.wall.p99),
  ms(row.parts.bootMs),
  ms(row.parts.importMs),
  ms(row.parts.firstEventMs),
  times(row.ratio),
  `${ms(row.cpu.medianMs)} (${times(row.cpu.ratio)})`,
  `${row.wall.n}${row.errors.length ? ` (errors: ${row.errors.join('; ').slice(0, 160)})` : ''}`,
];

/** The markdown report: budgets first, then the detail of each benchmark, then the machine. */
export const markdown = (report: BenchReport): string => {
  const out: string[] = [];
  const missed = report.budgets.filter((b) => !b.pass).length;
  out.push('# Benchmarks (issue 8)', '');
  out.push(
    `\`${report.command}\` on ${report.machine.date.slice(0, 10)}: ` +
      (missed === 0 ? '**every budget met**.' : `**${missed} of ${report.budgets.length} budgets missed**.`) +
      ` Took ${Math.round(report.durationSeconds)} s. Every ratio is to a floor measured in the same run.`,
    '',
  );
  out.push(
    `Machine: ${report.machine.cpuModel}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, ` +
      `Node ${report.machine.node}, ${report.machine.platform}.`,
    `Load at start: \`${report.load.start.uptime}\`; at end: \`${report.load.end.uptime}\`.`,
    '',
  );
  out.push('## Budgets', '');
  out.push(
    table(
      ['Benchmark', 'Subject', 'Median', 'p99', 'Floor', 'Ratio', 'Budget', 'Result'],
      report.budgets.map((b) => [
        b.benchmark,
        b.subject,
        b.median,
        b.p99,
        b.floor,
        b.ratio,
        b.budget,
        b.pass ? 'pass' : '**FAIL**',
      ]),
    ),
    '',
  );
  for (const n of report.notRun) out.push(`- **${n.title}**: not run. ${n.reason}`);
  out.push('');

  const cold = report.coldStart;
  if (cold && !('status' in cold)) {
    out.push('## Cold start', '');
    out.push(
      `A fresh \`node\` process imports the bundle and answers its first event; wall time from spawn to answer, ` +
        `${cold.runs} runs each after one unmeasured run. Boot, import and first event are medians measured inside ` +
        'the process. Floor: a bundle of only the DynamoDB client doing one GetItem, built with the house options, ' +
        `${cold.floor.wall.n} runs spread through the same rounds: median ${ms(cold.floor.wall.median)}, ` +
        `p99 ${ms(cold.floor.wall.p99)}, ${kb(cold.floor.bundleBytes)} KB. The budget is on wall time; CPU time ` +
        '(user + system of the process until it answered) is shown as a check that other work on the machine ' +
        'disturbs less.',
      '',
    );
    out.push(
      table(
        [
          'Function',
          'First event',
          'Status',
          'KB',
          'Median',
          'p99',
          'Boot',
          'Import',
          'First event',
          'Ratio',
          'CPU (ratio)',
          'Runs',
        ],
        [coldRow(cold.floor, false), ...cold.functions.map((r) => coldRow(r, false))],
      ),
      '',
    );
    if (cold.variants.length) {
      out.push('### Bundling variants', '');
      out.push(
        '`house` is what deploys (ESM, module-first, SDK bundled, minified, source maps with ' +
          '`--enable-source-maps`); `sdk-external` leaves `@aws-sdk/*` to the runtime (resolved from node_modules ' +
          'here); `main-first-banner` resolves main-first with the `createRequire` banner; `map-without-sources` is ' +
          'the house bundle with a source map of mappings only (`sourcesContent: false`); `no-source-maps` is the ' +
          'house bundle run without `--enable-source-maps`. Ratios are to the house floor.',
        '',
      );
      const houseRows = [cold.floor, ...cold.functions].filter((r) => cold.variants.some((v) => v.name === r.name));
      out.push(
        table(
          [
            'Subject',
            'Variant',
            'KB',
            'Median',
            'p99',
            'Boot',
            'Import',
            'First event',
            'Ratio',
            'CPU (ratio)',
            'Runs',
          ],
          [...houseRows, ...cold.variants].sort((a, b) => a.name.localeCompare(b.name)).map((r) => coldRow(r, true)),
        ),
        '',
      );
    }
  }

  const survey = report.surveySubmit;
  if (survey && !('status' in survey)) {
    out.push('## Survey submit', '');
    out.push(
      `\`${survey.route}\` for unit ${survey.unitCode} through the local runtime's HTTP API, each request from its ` +
        `own source address (the route is rate-limited per client), function workers: ${survey.workersPerFunction}. ` +
        'Floor: the same TransactWriteItems (response Put + aggregate ADDs) from the bench process, straight to ' +
        "DynamoDB Local; also through the runtime's DynamoDB endpoint (a proxy) to show the emulation's share.",
      '',
    );
    const kinds: [string, SurveyResult['product']][] = [
      ['submit through the HTTP API', survey.product],
      ['floor: TransactWriteItems to DynamoDB Local', survey.floor],
      ["floor through the runtime's DynamoDB endpoint", survey.floorViaRuntimeEndpoint],
    ];
    out.push(
      table(
        [
          'Kind',
          'Sequential median',
          'p99',
          'n',
          `${survey.product.concurrent.concurrency} in flight: req/s`,
          'median',
          'p99',
          'n',
          'errors',
        ],
        kinds.map(([name, r]) => [
          name,
          ms(r.sequential.latency.median),
          ms(r.sequential.latency.p99),
          String(r.sequential.completed),
          String(Math.round(r.concurrent.throughput)),
          ms(r.concurrent.latency.median),
          ms(r.concurrent.latency.p99),
          String(r.concurrent.completed),
          String(r.sequential.errors + r.concurrent.errors),
        ]),
      ),
      '',
    );
    out.push(
      `Where a sequential submit's time goes (medians): ${ms(survey.breakdown.httpMs)} through HTTP; ` +
        `${ms(survey.breakdown.invokeMs)} handing the event straight to the function's worker; ` +
        `${ms(survey.breakdown.handlerMs)} in the handler (what Lambda bills; ${survey.breakdown.n} invocations).`,
      '',
    );
    const c = survey.callFloors;
    out.push(
      `The product's DynamoDB calls, each alone and sequential, straight to DynamoDB Local (medians): rate-limit ` +
        `UpdateItem ${ms(c.rateLimitUpdate)} (×2: minute and day), BatchGetItem of unit and month ` +
        `${ms(c.batchGetUnitAndMonth)}, the TransactWriteItems ${ms(c.transactWriteItems)}: ` +
        `${ms(2 * c.rateLimitUpdate + c.batchGetUnitAndMonth + c.transactWriteItems)} of round trips in all.`,
      '',
    );
    const cpu = (s: { node: number; dynamodbLocal?: number }) =>
      `${ms(s.node)} in Node${s.dynamodbLocal === undefined ? '' : ` + ${ms(s.dynamodbLocal)} in DynamoDB Local`}`;
    out.push(
      `CPU per request at ${survey.product.concurrent.concurrency} in flight: submit ${cpu(survey.cpuPerRequest.product)}; ` +
        `floor ${cpu(survey.cpuPerRequest.floor)}. With every core busy, throughput is bounded by CPU per request.`,
      '',
    );
    out.push(
      `DynamoDB calls per submitted response: ${Object.entries(survey.dynamodbCallsPerRequest)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')} (the floor: TransactWriteItems 1). ` +
        `Floor item shape matches the product's: ${survey.floorShapeMatches ? 'yes' : '**no**'}.` +
        (survey.correctness.failures.length ? ` Failures: ${survey.correctness.failures.join('; ')}.` : ''),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
};

/** The JSON report without raw samples, numbers rounded: small enough to commit. */
export const compactJson = (report: BenchReport): string =>
  `${JSON.stringify(
    report,
    (key, value) => {
      if (key === 'samples') return undefined;
      if (typeof value === 'number' && !Number.isInteger(value)) return round(value);
      return value;
    },
    2,
  )}\n`;
