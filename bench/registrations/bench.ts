import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '#infra/local/cloud';
import { batchItemsPrefix, batchKeys } from '#shared/db/keys';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { wibDate } from '#shared/time';
import { sourceAddress } from '../cold-start/events.ts';
import { type Summary, summarize } from '../lib/stats.ts';
import { decide, executions, expectJson, pause, pool, staffCaller, tally, waitForLinks } from '../lib/workflow.ts';

/**
 * Registration storm: `count` nominations for one 30-seat batch, approved by the head of the nominating office
 * (setup, not timed), then every final approval (BKPSDM) POSTed at once on its email link (the measured phase).
 * Each final approval is a decision transaction, then the execution's finalization takes a seat or a waitlist place
 * under conditions on the batch item. Correctness: exactly `capacity` seats, the rest waitlisted, and the seats
 * never above capacity at any time (the batch and its seat items are sampled throughout the storm).
 */

export const STORM_CAPACITY = 30;

export interface StormOptions {
  cloud: LocalCloud;
  table: string;
  /** Final approvals, all at once. @default 1000 */
  count: number;
  capacity: number;
  log: (line: string) => void;
}

export interface StormResult {
  count: number;
  capacity: number;
  trainingId: string;
  /** Setup (not measured): nominations and first-stage approvals, seconds. */
  setupSeconds: { nominations: number; firstStage: number; linksMailed: number };
  /** Every final-approval POST sent at once: their latency (ms) and statuses. */
  decisionPost: Summary;
  statuses: Record<string, number>;
  /** POSTs answered 503 by the local gateway's 30 s integration timeout (recorded all the same, or a failure). */
  gatewayTimeouts: number;
  /** From the first POST until every POST was answered, and until every execution had stopped (ms). */
  allAnsweredMs: number;
  allFinishedMs: number;
  /** Final approvals per second, over the time until every execution finished (decision, seat or waitlist place). */
  throughput: number;
  /** Final approvals answered per second (the POSTs alone). */
  postThroughput: number;
  /** From each POST to its execution's stop (ms). */
  toFinished: Summary;
  executions: Record<string, number>;
  observed: {
    /** Samples of the batch item and its seat items during the storm. */
    reads: number;
    maxSeatsTaken: number;
    maxSeatItems: number;
    batch: { seatsTaken: number; seatSequence: number; waitlistLength: number; capacity: number };
    seatItems: number;
    waitlistItems: number;
    registrations: Record<string, number>;
    seatNumbers: string;
  };
  failures: string[];
  pass: boolean;
}

const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
/** The Plt. head of DINKES (the nominating office) decides the first stage; the head of BKPSDM the final one. */
const dinkesHead = demoPeople.find((p) => p.name === 'Ratna Sari')!;
const bkpsdmHead = demoPeople.find((p) => p.name === 'Hendra Gunawan')!;

/** 18-digit NIPs, one per nominee: birth date (one day apart), TMT CPNS, gender, serial. */
const nipOf = (n: number) => {
  const born = new Date(Date.UTC(1970, 0, 1 + n)).toISOString().slice(0, 10).replaceAll('-', '');
  return `${born}200101${1 + (n % 2)}${String((n % 999) + 1).padStart(3, '0')}`;
};

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Addresses of the first stage's and the final stage's decisions: one per decision, apart from other benches'. */
const FIRST_STAGE_ADDRESSES = 300_000;
const FINAL_ADDRESSES = 400_000;

export const runRegistrationStorm = async (options: StormOptions): Promise<StormResult> => {
  const { cloud, table, count, capacity, log } = options;
  const call = staffCaller(cloud);
  const db = DynamoDBDocumentClient.from(cloud.dynamodb);
  const today = wibDate(cloud.clock.now());
  const training = expectJson<{ id: string }>(
    await call(admin, 'POST', '/trainings', {
      title: 'Diklat Pengembangan Kompetensi Sosial Kultural (bench: registration storm)',
      eligibility: { sectors: ['kesehatan'], levels: ['pengawas'], officeTypes: ['dinas'] },
      batches: [
        {
          name: 'Angkatan I',
          capacity,
          sessionDays: [addDays(today, 40), addDays(today, 41)],
          venue: 'Venue Kebon Gede',
          registrationOpens: addDays(today, -1),
          registrationCloses: addDays(today, 30),
        },
      ],
    }),
    201,
    'create the training',
  );
  expectJson(
    await call(admin, 'POST', `/trainings/${training.id}/status`, { status: 'published' }),
    200,
    'publish the training',
  );

  // Setup: the nominations, then the first stage's approvals; neither is measured.
  let began = performance.now();
  const ids = await pool(
    Array.from({ length: count }, (_, n) => n),
    16,
    async (n) =>
      expectJson<{ id: string }>(
        await call(dinkes, 'POST', `/forms/${training.id}/submissions`, {
          values: {
            nip: nipOf(n),
            nama: `Peserta ${n}`,
            jabatan: 'Kepala Seksi',
            jenjang: 'pengawas',
            sektor: 'kesehatan',
            email: `peserta${n}@dinkes.palembang.local`,
            telepon: '081234567890',
            alasan: 'Penguatan pelayanan dasar.',
            angkatan: '1',
          },
        }),
        201,
        `nomination ${n}`,
      ).id,
  );
  const nominations = (performance.now() - began) / 1000;
  log(`  storm: ${count} nominations in ${nominations.toFixed(0)} s; waiting for the first stage's links`);
  began = performance.now();
  const headLinks = await waitForLinks(cloud, dinkesHead.email, ids, 20 * 60_000);
  const first = await pool(ids, 16, async (id, i) => {
    const answer = await decide(headLinks.get(id)!, 'approve', sourceAddress(FIRST_STAGE_ADDRESSES + i));
    return answer.status;
  });
  const firstStatuses = tally(first);
  if (firstStatuses['200'] !== count)
    throw new Error(`first-stage approvals answered ${JSON.stringify(firstStatuses)}`);
  const firstStage = (performance.now() - began) / 1000;
  began = performance.now();
  log(`  storm: first stage approved in ${firstStage.toFixed(0)} s; waiting for the final stage's links`);
  const finalLinks = await waitForLinks(cloud, bkpsdmHead.email, ids, 20 * 60_000);
  const linksMailed = (performance.now() - began) / 1000;

  // The observer: the batch item and its seat items, read again and again while the storm runs.
  const batchKey = batchKeys(training.id, 1);
  const readBatch = async () =>
    (await db.send(new GetCommand({ TableName: table, Key: batchKey, ConsistentRead: true }))).Item as
      | { seatsTaken: number; seatSequence: number; waitlistLength: number; capacity: number }
      | undefined;
  const itemsOf = async (kind: 'SEAT' | 'WAIT') => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': batchKey.PK, ':prefix': batchItemsPrefix(kind, 1) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };
  let observing = true;
  let samples = 0;
  let maxSeatsTaken = 0;
  let maxSeatItems = 0;
  const observer = (async () => {
    while (observing) {
      const [batch, seats] = await Promise.all([readBatch(), itemsOf('SEAT')]);
      maxSeatsTaken = Math.max(maxSeatsTaken, Number(batch?.seatsTaken ?? 0));
      maxSeatItems = Math.max(maxSeatItems, seats.length);
      samples++;
      await pause(50);
    }
  })();

  // The storm: every final approval at once.
  log(`  storm: ${count} final approvals at once into ${capacity} seats`);
  const sentAt = new Array<number>(count);
  const latencies = new Array<number>(count);
  const statuses = new Array<number>(count);
  const t0 = Date.now();
  const p0 = performance.now();
  await Promise.all(
    ids.map(async (id, i) => {
      sentAt[i] = Date.now();
      const t = performance.now();
      try {
        statuses[i] = (await decide(finalLinks.get(id)!, 'approve', sourceAddress(FINAL_ADDRESSES + i))).status;
      } catch {
        statuses[i] = 0;
      }
      latencies[i] = performance.now() - t;
    }),
  );
  const allAnsweredMs = performance.now() - p0;
  log(`  storm: every POST answered after ${(allAnsweredMs / 1000).toFixed(1)} s; waiting for the executions`);
  let byName = await executions(cloud);
  const deadline = Date.now() + 30 * 60_000;
  while (ids.some((id) => byName.get(id)?.status === 'RUNNING') && Date.now() < deadline) {
    await pause(100);
    byName = await executions(cloud);
  }
  observing = false;
  await observer;

  const failures: string[] = [];
  const ours = ids.map((id) => byName.get(id));
  const stops = ours.map((e) => e?.stopDate?.getTime() ?? Number.NaN);
  // Stop dates are the runtime clock's: real time plus the offset (zero unless someone moved the clock).
  const offset = cloud.clock.offset();
  const lastStop = Math.max(...stops.filter(Number.isFinite)) - offset;
  const allFinishedMs = lastStop - t0;
  const toFinished = summarize(stops.map((s, i) => s - offset - sentAt[i]!).filter(Number.isFinite));
  const executionStatuses = tally(ours.map((e) => e?.status ?? 'missing'));
  if (executionStatuses.SUCCEEDED !== count) failures.push(`executions: ${JSON.stringify(executionStatuses)}`);
  const statusCounts = tally(statuses);
  // A 503 is the local gateway's 30 s integration timeout (API Gateway's own): the request waited longer than that
  // for one of the function's workers on this machine's two cores. The invocation still runs (on AWS too, a Lambda
  // outlives its gateway's timeout), so such a decision must be recorded all the same: the checks below (every
  // registration seated or waitlisted, every execution SUCCEEDED) fail otherwise. Any other answer is a failure.
  const gatewayTimeouts = statusCounts['503'] ?? 0;
  const others = Object.entries(statusCounts).filter(([status]) => status !== '200' && status !== '503');
  if (others.length) failures.push(`final approvals answered ${JSON.stringify(statusCounts)}`);

  const batch = (await readBatch())!;
  const seats = await itemsOf('SEAT');
  const waits = await itemsOf('WAIT');
  const registrations: Record<string, unknown>[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    let keys = ids.slice(i, i + 100).map((id) => ({ PK: `SUBMISSION#${id}`, SK: 'REGISTRATION' }));
    while (keys.length) {
      const answer = await db.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
      );
      registrations.push(...(answer.Responses?.[table] ?? []));
      keys = (answer.UnprocessedKeys?.[table]?.Keys ?? []) as typeof keys;
    }
  }
  const byStatus = tally(registrations.map((r) => String(r.status)));
  const seatNumbers = seats.map((s) => Number(s.seatNo)).sort((a, b) => a - b);
  const expect = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) failures.push(`${what}: ${actual}, expected ${expected}`);
  };
  expect('batch seatsTaken', batch.seatsTaken, capacity);
  expect('batch seatSequence', batch.seatSequence, capacity);
  expect('batch waitlistLength', batch.waitlistLength, count - capacity);
  expect('seat items', seats.length, capacity);
  expect('waitlist items', waits.length, count - capacity);
  expect('confirmed registrations', byStatus.confirmed ?? 0, capacity);
  expect('waitlisted registrations', byStatus.waitlisted ?? 0, count - capacity);
  expect('registrations', registrations.length, count);
  expect(
    'seat numbers 1..capacity',
    seatNumbers.join(','),
    Array.from({ length: capacity }, (_, i) => i + 1).join(','),
  );
  const placed = new Set([...seats, ...waits].map((item) => String(item.submissionId)));
  expect('distinct nominees seated or waitlisted', placed.size, count);
  if (maxSeatsTaken > capacity) failures.push(`seatsTaken reached ${maxSeatsTaken} during the storm`);
  if (maxSeatItems > capacity) failures.push(`${maxSeatItems} seat items seen during the storm`);

  return {
    count,
    capacity,
    trainingId: training.id,
    setupSeconds: { nominations, firstStage, linksMailed },
    decisionPost: summarize(latencies),
    statuses: statusCounts,
    gatewayTimeouts,
    allAnsweredMs,
    allFinishedMs,
    throughput: count / (allFinishedMs / 1000),
    postThroughput: count / (allAnsweredMs / 1000),
    toFinished,
    executions: executionStatuses,
    observed: {
      reads: samples,
      maxSeatsTaken,
      maxSeatItems,
      batch: {
        seatsTaken: batch.seatsTaken,
        seatSequence: batch.seatSequence,
        waitlistLength: batch.waitlistLength,
        capacity: batch.capacity,
      },
      seatItems: seats.length,
      waitlistItems: waits.length,
      registrations: byStatus,
      seatNumbers: seatNumbers.length ? `${seatNumbers[0]}-${seatNumbers.at(-1)}` : 'none',
    },
    failures,
    pass: failures.length === 0,
  };
};
