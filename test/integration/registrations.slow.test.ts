import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { approvalHelpers, loopback } from '#test/support/approvals';

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let table: string;
const { call, ok, decide } = approvalHelpers(() => cloud);
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const dinkesHead = demoPeople.find((p) => p.name === 'Ratna Sari')!;
const bkpsdmHead = demoPeople.find((p) => p.name === 'Hendra Gunawan')!;

const NOMINATIONS = 200;
const CAPACITY = 30;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'registrationstorm', seed: true });
  db = DynamoDBDocumentClient.from(cloud.dynamodb);
  table = cloud.system.functions.find((f) => f.logicalId.startsWith('TrainingsApi'))!.environment.TABLE_NAME!;
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
});

const nipOf = (n: number) => {
  const born = new Date(Date.UTC(1975, 0, 1 + n)).toISOString().slice(0, 10).replaceAll('-', '');
  return `${born}200101${1 + (n % 2)}${String(n + 1).padStart(3, '0')}`;
};

/** Runs `work` over `items`, at most `limit` at a time. */
const pool = async <T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>) => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
};

/** The newest decision link mailed to `email`, per submission id (from one read of the outbox). */
const linksTo = async (email: string) => {
  const links = new Map<string, string>();
  for (const mail of await cloud.outbox()) {
    const id = /Nomor pengajuan: ([0-9A-Z]{26})/.exec(mail.text ?? '')?.[1];
    const link = mail.links.find((l) => l.includes('/approvals/'));
    if (mail.to.includes(email) && id && link) links.set(id, link);
  }
  return links;
};

const waitForLinks = async (email: string, ids: readonly string[]) => {
  for (let i = 0; i < 600; i++) {
    const links = await linksTo(email);
    if (ids.every((id) => links.has(id))) return links;
    await cloud.sfn.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not every link reached ${email}`);
};

const query = async (pk: string, prefix: string) =>
  (
    await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const registrationsOf = async (trainingId: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).filter((i) => i.entity === 'registration' && i.trainingId === trainingId));
    start = page.LastEvaluatedKey;
  } while (start);
  return items as { submissionId: string; status: string; seatNo?: number; finalApprovalId?: string }[];
};

describe('a registration storm', () => {
  it(`seats exactly ${CAPACITY} of ${NOMINATIONS} concurrent final approvals under injected TransactionConflict, waitlists the rest in approval order, and promotes in order`, async () => {
    const training = await ok(
      await call(admin, 'POST', '/trainings', {
        title: 'Diklat Pengembangan Kompetensi Sosial Kultural bagi Pejabat Pengawas Pelayanan Dasar',
        eligibility: { sectors: ['kesehatan'], levels: ['pengawas'], officeTypes: ['dinas'] },
        batches: [
          {
            name: 'Angkatan I',
            capacity: CAPACITY,
            sessionDays: ['2026-12-14', '2026-12-15'],
            venue: 'Venue Kebon Gede',
            registrationOpens: '2026-11-01',
            registrationCloses: '2026-12-10',
          },
        ],
      }),
      201,
    );
    await ok(await call(admin, 'POST', `/trainings/${training.id}/status`, { status: 'published' }));

    const ids = await pool(
      Array.from({ length: NOMINATIONS }, (_, n) => n),
      16,
      async (n) => {
        const values = {
          nip: nipOf(n),
          nama: `Peserta ${n}`,
          jabatan: 'Kepala Seksi',
          jenjang: 'pengawas',
          sektor: 'kesehatan',
          email: `peserta${n}@dinkes.palembang.local`,
          telepon: '081234567890',
          alasan: 'Penguatan pelayanan dasar.',
          angkatan: '1',
        };
        return (await ok(await call(dinkes, 'POST', `/forms/${training.id}/submissions`, { values }), 201))
          .id as string;
      },
    );

    // Stage 1, the office head: approvals in any order.
    const headLinks = await waitForLinks(dinkesHead.email, ids);
    const first = await pool(
      ids,
      16,
      async (id, i) => (await decide(headLinks.get(id)!, { decision: 'approve' }, loopback(i))).status,
    );
    expect(first.every((s) => s === 200)).toBe(true);

    // Stage 2, BKPSDM: every final approval at once, with 30 % of transactions cancelled by conflicts.
    const finalLinks = await waitForLinks(bkpsdmHead.email, ids);
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    let finals: number[];
    try {
      finals = await Promise.all(
        ids.map(
          async (id, i) => (await decide(finalLinks.get(id)!, { decision: 'approve' }, loopback(1000 + i))).status,
        ),
      );
      // Let every execution finish (finalization is where seats are taken) while conflicts are still injected.
      for (let round = 0; round < 600; round++) {
        await cloud.sfn.idle();
        const running =
          (
            await cloud.sfn.listExecutions({
              stateMachineArn: cloud.system.stateMachines[0]!.arn,
              statusFilter: 'RUNNING',
            })
          ).executions ?? [];
        if (running.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      cloud.faults.dynamodb.transactionConflictRate = 0;
    }
    expect(finals.filter((s) => s === 200)).toHaveLength(NOMINATIONS);
    const failed = (
      await cloud.sfn.listExecutions({ stateMachineArn: cloud.system.stateMachines[0]!.arn })
    ).executions!.filter((e) => e.status !== 'SUCCEEDED');
    expect(failed).toEqual([]);

    const pk = `TRAINING#${training.id}`;
    const batch = (await query(pk, 'BATCH#01'))[0]!;
    const seats = await query(pk, 'SEAT#01#');
    const waits = await query(pk, 'WAIT#01#');
    const registrations = await registrationsOf(training.id);
    const confirmed = registrations.filter((r) => r.status === 'confirmed');
    const waitlisted = registrations.filter((r) => r.status === 'waitlisted');
    expect(batch).toMatchObject({
      seatsTaken: CAPACITY,
      seatSequence: CAPACITY,
      waitlistLength: NOMINATIONS - CAPACITY,
    });
    expect(confirmed).toHaveLength(CAPACITY);
    expect(seats).toHaveLength(CAPACITY);
    expect(confirmed.map((r) => r.seatNo).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: CAPACITY }, (_, i) => i + 1),
    );
    expect(waitlisted).toHaveLength(NOMINATIONS - CAPACITY);
    expect(waits).toHaveLength(NOMINATIONS - CAPACITY);
    expect(registrations).toHaveLength(NOMINATIONS);
    expect(new Set(registrations.map((r) => r.submissionId)).size).toBe(NOMINATIONS);

    // Waitlist order is final-approval order: the decision times (from each request's audit trail) never go back.
    const decidedAt = new Map<string, string>();
    for (const id of ids) {
      const audit = await query(`SUBMISSION#${id}`, 'AUDIT#');
      const final = audit.filter((e) => e.event === 'decided' && e.stage === 'BKPSDM').at(-1)!;
      decidedAt.set(id, String(final.at));
    }
    const order = waits.map((w) => decidedAt.get(String(w.submissionId))!);
    expect(order).toEqual([...order].sort());

    // Cancelling five seats promotes exactly the first five of the waitlist, in order.
    const headOfWaitlist = waits.map((w) => String(w.submissionId));
    for (const r of confirmed.slice(0, 5)) {
      await ok(await call(dinkes, 'POST', `/registrations/${r.submissionId}/cancel`, { reason: 'Berhalangan' }));
    }
    const afterCancel = await registrationsOf(training.id);
    const promoted = afterCancel.filter((r) => r.status === 'confirmed' && (r.seatNo ?? 0) > CAPACITY);
    expect(promoted.sort((a, b) => a.seatNo! - b.seatNo!).map((r) => r.submissionId)).toEqual(
      headOfWaitlist.slice(0, 5),
    );

    // Raising the capacity by three promotes the next three.
    const raised = await ok(
      await call(admin, 'PUT', `/trainings/${training.id}/batches/1/capacity`, { capacity: CAPACITY + 3 }),
    );
    expect(raised.promoted).toEqual(headOfWaitlist.slice(5, 8));
    expect(raised.batch).toMatchObject({ seatsTaken: CAPACITY + 3, waitlistLength: NOMINATIONS - CAPACITY - 8 });
    const final = await registrationsOf(training.id);
    expect(final.filter((r) => r.status === 'confirmed')).toHaveLength(CAPACITY + 3);
    expect(final.filter((r) => r.status === 'waitlisted')).toHaveLength(NOMINATIONS - CAPACITY - 8);
    expect(final.filter((r) => r.status === 'cancelled')).toHaveLength(5);
  }, 600_000);
});
