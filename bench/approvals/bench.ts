import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { sourceAddress } from '../cold-start/events.ts';
import { type Summary, summarize } from '../lib/stats.ts';
import { decide, decisionLinks, executions, expectJson, pause, staffCaller, tally } from '../lib/workflow.ts';

/**
 * Approvals: `count` requests of a three-stage workflow (created through the admin API and attached to a form)
 * submitted at once, each stage decided on its email link as soon as the link is in the outbox, every decision
 * concurrently, until every execution of the emulated Step Functions state machine stopped. Measured: requests per
 * second over the whole run, end to end per request (submit until its execution SUCCEEDED), and that none was lost.
 */

export interface ApprovalsOptions {
  cloud: LocalCloud;
  table: string;
  /** Requests, submitted at once. @default 200 */
  count: number;
  log: (line: string) => void;
}

export interface ApprovalsResult {
  count: number;
  stages: string[];
  /** From the first submit until the last execution stopped (ms). */
  elapsedMs: number;
  /** Requests completed per second over `elapsedMs`. */
  throughput: number;
  /** Submit until the execution stopped (its stop date), per request (ms). */
  endToEnd: Summary;
  /** The submit POST alone (ms). */
  submit: Summary;
  /** Every decision POST (ms), and per stage: from the submit (or the previous decision) until the link was in the outbox. */
  decisionPost: Summary;
  linkWait: Summary;
  decisions: number;
  decisionStatuses: Record<string, number>;
  /** How often the bench read the outbox, and how long a read took (it grows with the mail): part of `linkWait`. */
  outboxReads: { n: number; median: number; last: number };
  executions: Record<string, number>;
  requests: Record<string, number>;
  failures: string[];
  pass: boolean;
}

const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const person = (name: string) => demoPeople.find((p) => p.name === name)!;
/** Stage 1: the Plt. head of DINKES (the submitting office); stage 2: the head of BKPSDM; stage 3: the mayor. */
const approvers = [person('Ratna Sari'), person('Hendra Gunawan'), person('Ahmad Fauzi')];

const ADDRESSES = 200_000;

export const runApprovals = async (options: ApprovalsOptions): Promise<ApprovalsResult> => {
  const { cloud, table, count, log } = options;
  const call = staffCaller(cloud);
  const stage = (name: string, approver: unknown) => ({
    name,
    approvers: [approver],
    rule: { kind: 'all' },
    deadlineAfterDays: 5,
    onDeadline: { kind: 'auto-reject' },
  });
  const stages = [
    stage('Kepala kantor', { kind: 'head-of-submitting-office' }),
    stage('BKPSDM', { kind: 'person', personId: approvers[1]!.id }),
    stage('Wali kota', { kind: 'person', personId: approvers[2]!.id }),
  ];
  const workflow = expectJson<{ id: string }>(
    await call(admin, 'POST', '/workflows', { name: 'Izin kegiatan tiga tahap (bench)', stages }),
    201,
    'create the workflow',
  );
  const form = expectJson<{ id: string; version: number }>(
    await call(admin, 'POST', '/forms', {
      title: 'Izin kegiatan (bench: approvals)',
      fields: [
        { name: 'kegiatan', label: 'Nama kegiatan', type: 'text', required: true, minLength: 3 },
        { name: 'hari', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 30 },
      ],
    }),
    201,
    'create the form',
  );
  const published = expectJson<{ version: number }>(
    await call(admin, 'POST', `/forms/${form.id}/status`, {
      action: 'publish',
      version: 1,
      expectedVersion: form.version,
    }),
    200,
    'publish the form',
  );
  expectJson(
    await call(admin, 'PUT', `/forms/${form.id}/workflow`, {
      workflowId: workflow.id,
      expectedVersion: published.version,
    }),
    200,
    'attach the workflow',
  );

  // Submit every request at once; then decide each stage's link as soon as it is mailed, concurrently.
  log(`  approvals: ${count} three-stage requests submitted at once`);
  const submittedAt = new Map<string, number>();
  const readyAt = new Map<string, number>();
  const submitMs: number[] = [];
  const t0 = Date.now();
  const ids = await Promise.all(
    Array.from({ length: count }, async (_, n) => {
      const sent = Date.now();
      const t = performance.now();
      const answer = await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
        values: { kegiatan: `Kegiatan ${n}`, hari: 1 + (n % 10) },
      });
      submitMs.push(performance.now() - t);
      const { id } = expectJson<{ id: string }>(answer, 201, `submission ${n}`);
      submittedAt.set(id, sent);
      readyAt.set(id, Date.now());
      return id;
    }),
  );
  const wanted = new Set(ids);
  const decided = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const decisionMs: number[] = [];
  const linkWaitMs: number[] = [];
  const statuses: number[] = [];
  const outboxMs: number[] = [];
  let address = ADDRESSES;
  const deadline = Date.now() + 20 * 60_000;
  let byName = await executions(cloud);
  // Running (or not started yet): an execution that stopped, whatever its status, is done.
  const open = () => ids.filter((id) => (byName.get(id)?.status ?? 'RUNNING') === 'RUNNING').length;
  let progress = { at: Date.now(), mark: '' };
  while (Date.now() < deadline) {
    const t = performance.now();
    const links = await decisionLinks(cloud);
    outboxMs.push(performance.now() - t);
    const now = Date.now();
    for (const [stageNo, approver] of approvers.entries()) {
      for (const [id, link] of links.get(approver.email) ?? []) {
        const key = `${id}#${stageNo}`;
        if (!wanted.has(id) || decided.has(key)) continue;
        decided.add(key);
        linkWaitMs.push(now - readyAt.get(id)!);
        const source = sourceAddress(address++);
        const task = (async () => {
          const t1 = performance.now();
          const answer = await decide(link, 'approve', source).catch(() => ({ status: 0, body: '' }));
          decisionMs.push(performance.now() - t1);
          statuses.push(answer.status);
          readyAt.set(id, Date.now());
        })();
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task));
      }
    }
    byName = await executions(cloud);
    const stillOpen = open();
    if (stillOpen === 0 && inFlight.size === 0) break;
    // Nothing moved for two minutes (no new link, no execution stopped): something is lost; stop waiting.
    const mark = `${decided.size}/${stillOpen}/${inFlight.size}`;
    if (mark !== progress.mark) progress = { at: Date.now(), mark };
    else if (Date.now() - progress.at > 120_000) {
      log(`  approvals: no progress for two minutes (${stillOpen} executions running); stopping`);
      break;
    }
    await pause(100);
  }
  await Promise.all(inFlight);
  byName = await executions(cloud);

  const failures: string[] = [];
  const offset = cloud.clock.offset();
  const ours = ids.map((id) => byName.get(id));
  const stops = ours.map((e) => (e?.stopDate ? e.stopDate.getTime() - offset : Number.NaN));
  const finished = stops.filter(Number.isFinite);
  const elapsedMs = (finished.length ? Math.max(...finished) : Date.now()) - t0;
  const endToEnd = summarize(ids.map((id, i) => stops[i]! - submittedAt.get(id)!).filter(Number.isFinite));
  const executionStatuses = tally(ours.map((e) => e?.status ?? 'missing'));
  if (executionStatuses.SUCCEEDED !== count) failures.push(`executions: ${JSON.stringify(executionStatuses)}`);
  const decisionStatuses = tally(statuses);
  if (decisionStatuses['200'] !== count * approvers.length) {
    failures.push(`${count * approvers.length} decisions expected, answers: ${JSON.stringify(decisionStatuses)}`);
  }

  // Every request approved, as its item says.
  const db = DynamoDBDocumentClient.from(cloud.dynamodb);
  const requests: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys = ids.slice(i, i + 100).map((id) => ({ PK: `SUBMISSION#${id}`, SK: 'SUBMISSION' }));
    while (keys.length) {
      const answer = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      requests.push(...(answer.Responses?.[table] ?? []));
      keys = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as typeof keys;
    }
  }
  const requestStatuses = tally(requests.map((r) => String(r.status)));
  if (requestStatuses.approved !== count) failures.push(`requests: ${JSON.stringify(requestStatuses)}`);

  return {
    count,
    stages: stages.map((s) => s.name),
    elapsedMs,
    throughput: finished.length / (elapsedMs / 1000),
    endToEnd,
    submit: summarize(submitMs),
    decisionPost: summarize(decisionMs),
    linkWait: summarize(linkWaitMs),
    decisions: statuses.length,
    decisionStatuses,
    outboxReads: { n: outboxMs.length, median: summarize(outboxMs).median, last: outboxMs.at(-1) ?? Number.NaN },
    executions: executionStatuses,
    requests: requestStatuses,
    failures,
    pass: failures.length === 0,
  };
};
