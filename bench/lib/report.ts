import type { ApprovalsResult } from '../approvals/bench.ts';
import type { ColdStartResult, ColdStartRow } from '../cold-start/bench.ts';
import type { StormResult } from '../registrations/bench.ts';
import { REPORT_BUDGETS, type ReportResult } from '../report/bench.ts';
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
  reportAtScale?: ReportResult | { status: 'not run'; reason: string };
  registrationStorm?: StormResult | { status: 'not run'; reason: string };
  approvals?: ApprovalsResult | { status: 'not run'; reason: string };
  notRun: NotRun[];
}

const ms = (v: number) => (Number.isFinite(v) ? `${round(v)} ms` : '–');
const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const kb = (bytes: number) => (bytes < 10_240 ? (bytes / 1024).toFixed(1) : `${Math.round(bytes / 1024)}`);

const count = (n: number) => n.toLocaleString('en-US');
const calls = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([op, n]) => `${op} ${n}`)
    .join(' + ') || 'none';

/**
 * Budget rows of a run: one per function's cold start; survey submit's two and its correctness; the report's scale,
 * calls, peer and correctness; the correctness of the registration storm and of the approvals.
 */
export const budgetRows = (
  report: Pick<BenchReport, 'coldStart' | 'surveySubmit' | 'reportAtScale' | 'registrationStorm' | 'approvals'>,
): BudgetRow[] => {
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
  const scale = report.reportAtScale;
  if (scale && !('status' in scale)) {
    const small = scale.levels[0]!;
    const large = scale.levels.at(-1)!;
    rows.push({
      benchmark: 'report at scale',
      subject: `${scale.route}: ${count(large.responses)} vs ${count(small.responses)} responses`,
      median: ms(large.report.median),
      p99: ms(large.report.p99),
      floor: ms(small.report.median),
      ratio: times(scale.scaleRatio),
      budget: `≤ ${REPORT_BUDGETS.scaleRatio}× (median)`,
      pass: scale.pass.scale,
    });
    rows.push({
      benchmark: 'report at scale, DynamoDB calls',
      subject: scale.levels.map((l) => `${count(l.responses)}: ${calls(l.dynamodbCalls)}`).join('; '),
      median: '',
      p99: '',
      floor: '',
      ratio: '',
      budget: 'identical',
      pass: scale.pass.calls,
    });
    if (scale.peerSpeedup !== undefined && large.postgres) {
      rows.push({
        benchmark: 'report vs PostgreSQL peer',
        subject: `${count(large.responses)} responses: report (HTTP) vs SELECT count(*), avg(...) (floor column)`,
        median: ms(large.report.median),
        p99: ms(large.report.p99),
        floor: ms(large.postgres.median),
        ratio: `${scale.peerSpeedup.toFixed(2)}× faster`,
        budget: `≥ ${REPORT_BUDGETS.peerSpeedup}× faster`,
        pass: scale.pass.peer ?? false,
      });
    }
    rows.push({
      benchmark: 'report at scale, correctness',
      subject: `${scale.levels.map((l) => count(l.responses)).join(' / ')} responses: report, month index${scale.postgres.status === 'ran' ? ' and PostgreSQL' : ''} agree with the items`,
      median: '',
      p99: '',
      floor: '',
      ratio: '',
      budget: '0 failures',
      pass: scale.pass.correctness,
    });
  }
  const storm = report.registrationStorm;
  if (storm && !('status' in storm)) {
    rows.push({
      benchmark: 'registration storm, correctness',
      subject:
        `${count(storm.count)} final approvals into ${storm.capacity} seats: ${storm.observed.registrations.confirmed ?? 0} confirmed, ` +
        `${storm.observed.registrations.waitlisted ?? 0} waitlisted; seats taken at most ${storm.observed.maxSeatsTaken} ` +
        `in ${storm.observed.reads} samples` +
        (storm.gatewayTimeouts
          ? `; ${storm.gatewayTimeouts} POSTs answered 503 (the local gateway's 30 s timeout), every one recorded`
          : ''),
      median: ms(storm.decisionPost.median),
      p99: ms(storm.decisionPost.p99),
      floor: '',
      ratio: '',
      budget: '0 failures',
      pass: storm.pass,
    });
  }
  const approvals = report.approvals;
  if (approvals && !('status' in approvals)) {
    rows.push({
      benchmark: 'approvals, none lost',
      subject:
        `${count(approvals.count)} three-stage requests: ${approvals.executions.SUCCEEDED ?? 0} executions SUCCEEDED, ` +
        `${approvals.requests.approved ?? 0} approved`,
      median: ms(approvals.endToEnd.median),
      p99: ms(approvals.endToEnd.p99),
      floor: '',
      ratio: '',
      budget: '0 failures',
      pass: approvals.pass,
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
  for (const n of report.notRun) {
    out.push(`- **${n.title}**: ${n.reason.startsWith('FAILED') ? `**${n.reason}**` : `not run. ${n.reason}`}`);
  }
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
        '`house` is what deploys (ESM, module-first, SDK bundled, minified, source maps of mappings only that Node ' +
          'does not load at start: a logged error is mapped then); `sdk-external` leaves `@aws-sdk/*` to the runtime ' +
          '(resolved from node_modules here); `main-first-banner` resolves main-first with the `createRequire` ' +
          'banner; `source-maps-at-start` is what deployed before: maps with `sourcesContent`, run with ' +
          '`--enable-source-maps`. Ratios are to the house floor.',
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
        `UpdateItem ${ms(c.rateLimitUpdate)} (both windows on one item), the TransactWriteItems ` +
        `${ms(c.transactWriteItems)} (the floor's, the same items): ` +
        `${ms(c.rateLimitUpdate + c.transactWriteItems)} of round trips for a warm function. A function's first ` +
        `submit to a unit's month also reads the unit and the month (BatchGetItem ${ms(c.batchGetUnitAndMonth)}).`,
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
  const scale = report.reportAtScale;
  if (scale && !('status' in scale)) {
    out.push('## Report at scale', '');
    out.push(
      `\`${scale.route}\` for one WIB month (${scale.month}), a unit per size (${scale.levels.map((l) => `${l.unitCode}: ${count(l.responses)}`).join(', ')}), ` +
        'sequential requests with an admin token through the HTTP API, the sizes in rotating order in alternating ' +
        'blocks so drifting load lands on each. "Handler" is the same request handed straight to the function ' +
        "(no HTTP, no authorizer: what Lambda bills). DynamoDB calls are counted at the runtime's endpoint. The peer " +
        `is PostgreSQL's aggregate query over the same responses, its round trip timed by \`psql\` (\`\\timing\`) over a ` +
        'Unix socket, in the same blocks.',
      '',
    );
    out.push(
      table(
        [
          'Responses',
          'Report median',
          'p99',
          'Handler median',
          'DynamoDB calls per report',
          'PostgreSQL median',
          'p99',
          'PostgreSQL / report',
        ],
        scale.levels.map((l) => [
          count(l.responses),
          ms(l.report.median),
          ms(l.report.p99),
          ms(l.handler.median),
          calls(l.dynamodbCalls),
          l.postgres ? ms(l.postgres.median) : 'not run',
          l.postgres ? ms(l.postgres.p99) : '',
          l.postgres ? times(l.postgres.median / l.report.median) : '',
        ]),
      ),
      '',
    );
    const f = scale.readsFloor;
    out.push(
      `The report's reads alone, sequential, straight to DynamoDB Local (medians): the caller's staff item (GetItem) ` +
        `${ms(f.getItem)}, unit + population + month + the month's 4 shards (one BatchGetItem) ${ms(f.batch)}: ` +
        `${ms(f.total)} of round trips, whatever the number of responses.`,
      '',
    );
    out.push(
      `Seeding: ${count(scale.seeding.apiResponses)} responses through the API (they create each month and its shard ` +
        `count), ${count(scale.seeding.bulkResponses)} in bulk (response items as the product writes them, 25 per ` +
        "BatchWriteItem; each shard's counters as the sum of what the product's `aggregateUpdate` adds per response, " +
        `one UpdateItem per shard): ${Math.round(scale.seeding.seconds)} s. Checked before measuring: each report's ` +
        "responses and element sums equal the items', the month's index lists every response" +
        (scale.postgres.status === 'ran' ? ', PostgreSQL counts the same' : '') +
        (scale.correctness.failures.length ? `. **Failures**: ${scale.correctness.failures.join('; ')}.` : '.'),
      '',
    );
    if (scale.postgres.status === 'ran') {
      out.push(
        `PostgreSQL ${scale.postgres.version}, a throwaway cluster the bench started (fsync off), ` +
          `${count(scale.postgres.rows)} rows with an index on (unit_code, month), loaded in ` +
          `${scale.postgres.loadSeconds.toFixed(1)} s, then \`VACUUM ANALYZE\`. Query: \`${scale.postgres.query}\`. ` +
          `Its plan at ${count(scale.levels.at(-1)!.responses)} responses:`,
        '',
        '```',
        scale.postgres.plan,
        '```',
        '',
      );
    } else {
      out.push(`PostgreSQL peer: not run. ${scale.postgres.reason}`, '');
    }
  }

  const storm = report.registrationStorm;
  if (storm && !('status' in storm)) {
    out.push('## Registration storm', '');
    out.push(
      `${count(storm.count)} nominations for one ${storm.capacity}-seat batch through the local runtime, approved by ` +
        'the head of the nominating office (setup, not measured: ' +
        `${Math.round(storm.setupSeconds.nominations)} s of nominations at 16 in flight, ` +
        `${Math.round(storm.setupSeconds.firstStage)} s of first-stage decisions, ` +
        `${Math.round(storm.setupSeconds.linksMailed)} s until every final link was mailed); then every final ` +
        'approval POSTed at once on its email link, each from its own source address (decisions are rate-limited per ' +
        'client). Finished means the execution stopped, its finalization having taken a seat or a waitlist place.',
      '',
    );
    out.push(
      table(
        ['Figure', 'Value'],
        [
          ['final approvals completed per second (until every execution finished)', storm.throughput.toFixed(1)],
          ['final approval POSTs answered per second', storm.postThroughput.toFixed(1)],
          ['decision POST latency, median / p99', `${ms(storm.decisionPost.median)} / ${ms(storm.decisionPost.p99)}`],
          [
            'POST until its execution finished, median / p99',
            `${ms(storm.toFinished.median)} / ${ms(storm.toFinished.p99)}`,
          ],
          ['every POST answered after', ms(storm.allAnsweredMs)],
          ['every execution finished after', ms(storm.allFinishedMs)],
          [
            'answers',
            Object.entries(storm.statuses)
              .map(([k, n]) => `${n} × ${k}`)
              .join(', ') +
              (storm.gatewayTimeouts
                ? ` (503: the local gateway's 30 s integration timeout, API Gateway's own, while the request waited ` +
                  "for one of the function's 8 workers on two cores; the invocation still ran, and each of these " +
                  'decisions was recorded: every registration is seated or waitlisted, every execution SUCCEEDED)'
                : ''),
          ],
          [
            'executions',
            Object.entries(storm.executions)
              .map(([k, n]) => `${n} ${k}`)
              .join(', '),
          ],
          [
            'batch item at the end',
            `seatsTaken ${storm.observed.batch.seatsTaken}, seatSequence ${storm.observed.batch.seatSequence}, ` +
              `waitlistLength ${storm.observed.batch.waitlistLength}, capacity ${storm.observed.batch.capacity}`,
          ],
          [
            'seat items, waitlist items',
            `${storm.observed.seatItems} (seats ${storm.observed.seatNumbers}), ${storm.observed.waitlistItems}`,
          ],
          [
            'registrations',
            Object.entries(storm.observed.registrations)
              .map(([k, n]) => `${n} ${k}`)
              .join(', '),
          ],
          [
            'during the storm',
            `${storm.observed.reads} samples of the batch and its seats: seatsTaken at most ${storm.observed.maxSeatsTaken}, ` +
              `seat items at most ${storm.observed.maxSeatItems}`,
          ],
          ['correctness', storm.failures.length ? `**${storm.failures.join('; ')}**` : 'no failure'],
        ],
      ),
      '',
    );
  }

  const approvals = report.approvals;
  if (approvals && !('status' in approvals)) {
    out.push('## Approvals', '');
    out.push(
      `${count(approvals.count)} requests of a three-stage workflow (${approvals.stages.join(' → ')}, one approver ` +
        'each; created through the admin API and attached to a form) submitted at once; the bench reads the local ' +
        'outbox every 100 ms or so and POSTs each decision link as soon as it is there, all concurrently, each from its ' +
        'own source address, until every execution of the emulated Step Functions machine stopped. End to end is ' +
        "from the submit POST to the execution's stop date; it includes the bench's polling of the outbox (like a " +
        'very quick approver).',
      '',
    );
    out.push(
      table(
        ['Figure', 'Value'],
        [
          ['requests completed per second', approvals.throughput.toFixed(2)],
          ['all done after', ms(approvals.elapsedMs)],
          [
            'end to end (submit → SUCCEEDED), median / p99',
            `${ms(approvals.endToEnd.median)} / ${ms(approvals.endToEnd.p99)}`,
          ],
          ['submit POST, median / p99', `${ms(approvals.submit.median)} / ${ms(approvals.submit.p99)}`],
          ['decision POST, median / p99', `${ms(approvals.decisionPost.median)} / ${ms(approvals.decisionPost.p99)}`],
          [
            'until the next link was in the outbox, median / p99',
            `${ms(approvals.linkWait.median)} / ${ms(approvals.linkWait.p99)}`,
          ],
          [
            'outbox reads',
            `${approvals.outboxReads.n}, median ${ms(approvals.outboxReads.median)} (last ${ms(approvals.outboxReads.last)})`,
          ],
          [
            'decisions',
            `${approvals.decisions}: ${Object.entries(approvals.decisionStatuses)
              .map(([k, n]) => `${n} × ${k}`)
              .join(', ')}`,
          ],
          [
            'executions',
            Object.entries(approvals.executions)
              .map(([k, n]) => `${n} ${k}`)
              .join(', '),
          ],
          [
            'requests',
            Object.entries(approvals.requests)
              .map(([k, n]) => `${n} ${k}`)
              .join(', '),
          ],
          ['correctness', approvals.failures.length ? `**${approvals.failures.join('; ')}**` : 'none lost'],
        ],
      ),
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
