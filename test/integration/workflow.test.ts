import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { approvalHelpers, type Staff } from '#test/support/approvals';
import { json } from '#test/support/http';
import { forgetIdempotencyRecords } from '#test/support/idempotency';

let cloud: LocalCloud;
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const disdik = demoStaff.find((s) => s.officeCode === 'DISDIK')!;
const person = (name: string) => demoPeople.find((p) => p.name === name)!;
const plt = person('Ratna Sari'); // Plt. head of DINKES, the submitting office
const bkpsdmHead = person('Hendra Gunawan');
const disdikHead = person('Yusuf Maulana');
const camat = person('Dewi Lestari');
const mayor = person('Ahmad Fauzi');

const { call, ok, mailTo, linkFor, decide, executionOf, settled, formWithWorkflow } = approvalHelpers(() => cloud);
let db: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'workflowtest', seed: true });
  db = DynamoDBDocumentClient.from(cloud.dynamodb);
  table = cloud.system.functions.find((f) => f.logicalId.startsWith('FormsApi'))!.environment.TABLE_NAME!;
});

/**
 * Every item of the domain table (the test's database holds only this file's data), but the rate-limit counters:
 * a refused request still counts against its client's limit, by design.
 */
const scanAll = async () => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []).filter((item) => !String(item.PK).startsWith('RATE#')));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

afterAll(async () => {
  await cloud?.stop();
});

const fields = [
  { name: 'kegiatan', label: 'Nama kegiatan', type: 'text', required: true, minLength: 3 },
  { name: 'hari', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 30 },
];

const stage = (name: string, approvers: unknown[], extra: Record<string, unknown> = {}) => ({
  name,
  approvers,
  rule: { kind: 'all' },
  deadlineAfterDays: 5,
  onDeadline: { kind: 'auto-reject' },
  ...extra,
});
const personSeat = (p: { id: string }) => ({ kind: 'person', personId: p.id });

let formCount = 0;
/** A published form with a workflow of `stages` attached, created through the admin API. */
const formWith = async (stages: unknown[], extra: Record<string, unknown> = {}) => {
  formCount += 1;
  return formWithWorkflow(
    { name: `Alur ${formCount}`, stages, ...extra },
    { title: `Izin kegiatan ${formCount}`, fields },
  );
};

const submit = async (formId: string, values: Record<string, unknown>, who: Staff = dinkes) => {
  const submission = await ok(await call(who, 'POST', `/forms/${formId}/submissions`, { values }), 201);
  await cloud.sfn.idle();
  return submission as { id: string; status: string };
};

const progressOf = async (id: string, who: Staff = dinkes) =>
  ok(await call(who, 'GET', `/submissions/${id}/progress`)) as Promise<{
    status: string;
    round: number;
    stages: { name: string; status: string; round: number; seats: { name: string; vote?: string }[] }[];
    audit: { event: string; actor?: string; decision?: string; comment?: string; stage?: string }[];
  }>;

describe('workflow definitions', () => {
  it('answers a keyed definition created again after its idempotency record was lost with the stored one', async () => {
    const body = { name: 'Alur kunci', stages: [stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])] };
    const first = await ok(await call(admin, 'POST', '/workflows', body, 'alur-kunci-1'), 201);
    await forgetIdempotencyRecords(cloud);
    const again = await call(admin, 'POST', '/workflows', body, 'alur-kunci-1');
    expect(again.status).toBe(201);
    expect(await json(again)).toEqual(first);
    await forgetIdempotencyRecords(cloud);
    const other = { ...body, stages: [stage('Sekretaris', [{ kind: 'head-of-submitting-office' }])] };
    expect((await call(admin, 'POST', '/workflows', other, 'alur-kunci-1')).status).toBe(409);
    expect((await ok(await call(admin, 'GET', `/workflows/${first.id}`))).definition.stages[0].name).toBe(
      'Kepala kantor',
    );
  });
});

describe('approval workflow', () => {
  it('runs a one-stage request to approval: the head of the submitting office decides on an email link', async () => {
    const { form } = await formWith([stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])]);
    const submission = await submit(form.id, { kegiatan: 'Rapat koordinasi', hari: 2 });
    expect(submission.status).toBe('submitted');

    const link = await linkFor(plt.email, submission.id);
    const page = await fetch(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Rapat koordinasi');
    expect(html).toContain('Mohon keputusan Anda');
    expect((await progressOf(submission.id)).status).toBe('in_approval');

    const decided = await decide(link, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.text).toContain('Persetujuan Anda telah tercatat');

    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.stages).toMatchObject([
      { name: 'Kepala kantor', status: 'approved', seats: [{ name: plt.name, vote: 'approve' }] },
    ]);
    expect(after.audit.map((e) => e.event)).toEqual([
      'stage-started',
      'emailed',
      'decided',
      'stage-closed',
      'completed',
    ]);
    const requesterMail = (await mailTo(dinkes.email, submission.id)).at(-1)!;
    expect(requesterMail.subject).toContain('disetujui');
    expect(requesterMail.links.some((l) => l.endsWith(`/pengajuan/${submission.id}`))).toBe(true);

    // The link is spent: a second POST and a GET both say so, with 409.
    expect((await decide(link, { decision: 'approve' })).status).toBe(409);
    expect((await fetch(link)).status).toBe(409);
  });
});

describe('a three-stage chain', () => {
  const chain = () => [
    stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }]),
    stage('Tim penilai', [personSeat(bkpsdmHead), personSeat(disdikHead), personSeat(camat)], {
      rule: { kind: 'quorum', k: 2 },
    }),
    stage('Wali kota', [personSeat(mayor)], { condition: { field: 'hari', op: 'gt', value: 3 } }),
  ];

  it('runs sequentially, closes the quorum stage at two approvals, and runs the conditional stage when it applies', async () => {
    const { form } = await formWith(chain());
    const submission = await submit(form.id, { kegiatan: 'Studi banding', hari: 5 });

    // Stage 1: nobody of stage 2 is asked before stage 1 closes.
    expect(await mailTo(bkpsdmHead.email, submission.id)).toHaveLength(0);
    expect((await decide(await linkFor(plt.email, submission.id), { decision: 'approve' })).status).toBe(200);

    // Stage 2: quorum 2 of 3. One approval keeps it open; the second closes it; the third seat's link is dead.
    const links = await Promise.all([bkpsdmHead, disdikHead, camat].map((p) => linkFor(p.email, submission.id)));
    expect((await decide(links[0]!, { decision: 'approve', comment: 'Setuju' })).status).toBe(200);
    expect((await progressOf(submission.id)).stages[1]).toMatchObject({ status: 'open' });
    expect((await decide(links[1]!, { decision: 'approve' })).status).toBe(200);
    expect((await progressOf(submission.id)).stages[1]).toMatchObject({ status: 'approved' });
    expect((await fetch(links[2]!)).status).toBe(410);
    expect((await decide(links[2]!, { decision: 'reject', comment: 'terlambat' })).status).toBe(410);

    // Stage 3 applies (hari > 3): the mayor decides last.
    expect((await decide(await linkFor(mayor.email, submission.id), { decision: 'approve' })).status).toBe(200);

    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.stages.map((s) => [s.name, s.status])).toEqual([
      ['Kepala kantor', 'approved'],
      ['Tim penilai', 'approved'],
      ['Wali kota', 'approved'],
    ]);
    expect(after.stages[1]!.seats.map((s) => s.vote)).toEqual(['approve', 'approve', undefined]);
    const events = after.audit.map((e) => `${e.event}${e.stage ? `:${e.stage}` : ''}`);
    expect(events).toEqual([
      'stage-started:Kepala kantor',
      'emailed:Kepala kantor',
      'decided:Kepala kantor',
      'stage-closed:Kepala kantor',
      'stage-started:Tim penilai',
      'emailed:Tim penilai',
      'emailed:Tim penilai',
      'emailed:Tim penilai',
      'decided:Tim penilai',
      'decided:Tim penilai',
      'stage-closed:Tim penilai',
      'stage-started:Wali kota',
      'emailed:Wali kota',
      'decided:Wali kota',
      'stage-closed:Wali kota',
      'completed',
    ]);
    expect(after.audit.find((e) => e.event === 'decided' && e.comment)).toMatchObject({
      actor: bkpsdmHead.name,
      comment: 'Setuju',
      decision: 'approve',
    });
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');

    // The status page (staff session) shows the same story.
    const webClient = cloud.system.functions.find((f) => f.logicalId.startsWith('WorkflowRequestsApi'))!.environment
      .STAFF_WEB_CLIENT_ID!;
    const session = await cloud.token(
      { sub: dinkes.sub, groups: dinkes.groups },
      { tokenUse: 'id', overrides: { aud: webClient } },
    );
    const page = await fetch(`${cloud.url}/pengajuan/${submission.id}`, {
      headers: { cookie: `__Host-abdi-session=${session}` },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of ['Disetujui', 'Tim penilai', bkpsdmHead.name, '“Setuju”', 'Wali kota'])
      expect(html).toContain(text);
    const otherOffice = await cloud.token(
      { sub: disdik.sub, groups: disdik.groups },
      { tokenUse: 'id', overrides: { aud: webClient } },
    );
    expect(
      (
        await fetch(`${cloud.url}/pengajuan/${submission.id}`, {
          headers: { cookie: `__Host-abdi-session=${otherOffice}` },
        })
      ).status,
    ).toBe(403);
  });

  it('records a stage whose condition does not hold as skipped, and finishes without it', async () => {
    const { form } = await formWith(chain());
    const submission = await submit(form.id, { kegiatan: 'Rapat kerja', hari: 2 });
    await decide(await linkFor(plt.email, submission.id), { decision: 'approve' });
    for (const p of [bkpsdmHead, disdikHead])
      await decide(await linkFor(p.email, submission.id), { decision: 'approve' });
    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.stages.map((s) => s.status)).toEqual(['approved', 'approved', 'skipped']);
    expect(after.audit.map((e) => e.event)).toContain('stage-skipped');
    expect(await mailTo(mayor.email, submission.id)).toHaveLength(0);
  });

  it('runs definitions of one, three and five stages on the one approval state machine of the template', async () => {
    expect(cloud.system.stateMachines).toHaveLength(1);
    const five = [bkpsdmHead, disdikHead, camat, mayor, plt].map((p, i) => stage(`Tahap ${i + 1}`, [personSeat(p)]));
    const { form } = await formWith(five);
    const submission = await submit(form.id, { kegiatan: 'Lima tahap', hari: 1 });
    for (const p of [bkpsdmHead, disdikHead, camat, mayor, plt]) {
      expect((await decide(await linkFor(p.email, submission.id), { decision: 'approve' })).status).toBe(200);
    }
    expect((await progressOf(submission.id)).stages.map((s) => s.status)).toEqual(Array(5).fill('approved'));
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');
  });
});

describe('decisions', () => {
  const oneStage = () => formWith([stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])], { maxRounds: 2 });

  it('requires a comment to reject, changing nothing until there is one; then rejects and tells the requester why', async () => {
    const { form } = await oneStage();
    const submission = await submit(form.id, { kegiatan: 'Bimbingan teknis', hari: 3 });
    const link = await linkFor(plt.email, submission.id);
    const before = await scanAll();
    const bare = await decide(link, { decision: 'reject', comment: '  ' });
    expect(bare.status).toBe(422);
    expect(bare.text).toContain('Tuliskan alasan');
    expect(await scanAll()).toEqual(before);

    expect((await decide(link, { decision: 'reject', comment: 'Anggaran tidak tersedia' })).status).toBe(200);
    const after = await progressOf(submission.id);
    expect(after.status).toBe('rejected');
    const notice = (await mailTo(dinkes.email, submission.id)).at(-1)!;
    expect(notice.subject).toContain('ditolak');
    expect(notice.text).toContain('Anggaran tidak tersedia');
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');
  });

  it('asks for changes; the resubmission starts a fresh round with fresh links, and the old link is dead', async () => {
    const { form } = await oneStage();
    const submission = await submit(form.id, { kegiatan: 'Pelatihan', hari: 3 });
    const first = await linkFor(plt.email, submission.id);
    expect((await decide(first, { decision: 'changes', comment: 'Lengkapi jumlah hari' })).status).toBe(200);
    expect((await progressOf(submission.id)).status).toBe('changes_requested');
    const notice = (await mailTo(dinkes.email, submission.id)).at(-1)!;
    expect(notice.subject).toContain('perlu diperbaiki');
    expect(notice.text).toContain('Lengkapi jumlah hari');

    // Bad values are refused with field errors and change nothing.
    const bad = await call(dinkes, 'POST', `/submissions/${submission.id}/resubmit`, {
      values: { kegiatan: 'x', hari: 99 },
    });
    expect(bad.status).toBe(422);
    expect((await json(bad)).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'values.hari',
      'values.kegiatan',
    ]);
    // Another office cannot touch it.
    expect(
      (
        await call(disdik, 'POST', `/submissions/${submission.id}/resubmit`, {
          values: { kegiatan: 'Pelatihan', hari: 4 },
        })
      ).status,
    ).toBe(403);

    await ok(
      await call(dinkes, 'POST', `/submissions/${submission.id}/resubmit`, {
        values: { kegiatan: 'Pelatihan', hari: 4 },
      }),
    );
    await cloud.sfn.idle();
    const second = await linkFor(plt.email, submission.id);
    expect(second).not.toBe(first);
    expect((await fetch(first)).status).toBe(409); // spent on the request for changes
    const round2 = await progressOf(submission.id);
    expect(round2).toMatchObject({ status: 'in_approval', round: 2 });
    expect((await decide(second, { decision: 'approve' })).status).toBe(200);
    const done = await progressOf(submission.id);
    expect(done.status).toBe('approved');
    expect(done.stages.map((s) => [s.round, s.status])).toEqual([
      [1, 'changes_requested'],
      [2, 'approved'],
    ]);
    expect(done.audit.map((e) => e.event)).toContain('resubmitted');
    // maxRounds 2: the second round offered no "request changes".
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');
  });

  it('delegates a seat once: the delegate gets a link, the delegator’s link dies, the delegate decides', async () => {
    const { form } = await formWith([
      stage('Penilai', [personSeat(bkpsdmHead), personSeat(disdikHead)], { rule: { kind: 'all' } }),
    ]);
    const submission = await submit(form.id, { kegiatan: 'Seminar', hari: 1 });
    const link = await linkFor(bkpsdmHead.email, submission.id);

    const seated = await decide(link, { decision: 'delegate', delegateTo: disdikHead.email });
    expect(seated.status).toBe(422);
    expect(seated.text).toContain('sudah menjadi penyetuju');
    const unknown = await decide(link, { decision: 'delegate', delegateTo: 'tidak.ada@palembang.local' });
    expect(unknown.status).toBe(422);

    const delegated = await decide(link, {
      decision: 'delegate',
      delegateTo: camat.email,
      comment: 'Sedang dinas luar',
    });
    expect(delegated.status).toBe(200);
    expect(delegated.text).toContain(camat.name);
    expect((await fetch(link)).status).toBe(409);
    const delegateLink = await linkFor(camat.email, submission.id);
    const page = await (await fetch(delegateLink)).text();
    expect(page).toContain(`delegasi dari ${bkpsdmHead.name}`);
    expect(page).not.toContain('Delegasikan kepada pegawai lain'); // one hop only
    await decide(delegateLink, { decision: 'approve' });
    await decide(await linkFor(disdikHead.email, submission.id), { decision: 'approve' });
    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.stages[0]!.seats).toEqual([
      { seat: 's1', name: camat.name, delegatedFrom: bkpsdmHead.name, vote: 'approve' },
      { seat: 's2', name: disdikHead.name, vote: 'approve' },
    ]);
    expect(after.audit.find((e) => e.event === 'delegated')).toMatchObject({
      actor: bkpsdmHead.name,
      comment: 'Sedang dinas luar',
    });
  });

  it('withdraws a request in approval: its links answer 410, the execution ends, the requester is told', async () => {
    const { form } = await oneStage();
    const submission = await submit(form.id, { kegiatan: 'Kunjungan kerja', hari: 2 });
    const link = await linkFor(plt.email, submission.id);
    expect((await call(disdik, 'POST', `/submissions/${submission.id}/withdraw`, {})).status).toBe(403);
    await ok(await call(dinkes, 'POST', `/submissions/${submission.id}/withdraw`, { reason: 'Kegiatan batal' }));
    await settled(submission.id, 'SUCCEEDED');
    expect((await fetch(link)).status).toBe(410);
    expect((await decide(link, { decision: 'approve' })).status).toBe(410);
    const after = await progressOf(submission.id);
    expect(after.status).toBe('withdrawn');
    expect(after.stages[0]!.status).toBe('withdrawn');
    expect(after.audit.map((e) => e.event)).toEqual(['stage-started', 'emailed', 'withdrawn', 'completed']);
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');
    expect((await mailTo(dinkes.email, submission.id)).at(-1)!.subject).toContain('ditarik');
    // Withdrawing twice is a conflict, not a second withdrawal.
    expect((await call(dinkes, 'POST', `/submissions/${submission.id}/withdraw`, {})).status).toBe(409);
  });

  it('refuses a withdrawal that loses the race to the final approval with 409', async () => {
    const { form } = await oneStage();
    const submission = await submit(form.id, { kegiatan: 'Lokakarya', hari: 2 });
    const link = await linkFor(plt.email, submission.id);
    const [decision, withdrawal] = await Promise.all([
      decide(link, { decision: 'approve' }),
      // Sent just after the decision: whichever the database took first wins; here the approval.
      new Promise((resolve) => setTimeout(resolve, 0)).then(() =>
        call(dinkes, 'POST', `/submissions/${submission.id}/withdraw`, {}),
      ),
    ]);
    await cloud.sfn.idle();
    const status = (await progressOf(submission.id)).status;
    if (status === 'approved') {
      expect(decision.status).toBe(200);
      expect(withdrawal.status).toBe(409);
    } else {
      // The withdrawal got there first: then the link says so.
      expect(status).toBe('withdrawn');
      expect(decision.status).toBe(410);
      expect(withdrawal.status).toBe(200);
    }
    // Deterministic case: the approval is committed, then the withdrawal comes.
    const { form: second } = await oneStage();
    const late = await submit(second.id, { kegiatan: 'Lokakarya kedua', hari: 2 });
    await decide(await linkFor(plt.email, late.id), { decision: 'approve' });
    const refused = await call(dinkes, 'POST', `/submissions/${late.id}/withdraw`, {});
    expect(refused.status).toBe(409);
    expect((await json(refused)).detail).toContain('disetujui');
  });

  it('refuses out-of-schema values with 422 field errors, writing no item and starting no execution', async () => {
    const { form } = await oneStage();
    const before = await scanAll();
    const executions = (await cloud.sfn.listExecutions({ stateMachineArn: cloud.system.stateMachines[0]!.arn }))
      .executions!.length;
    const refused = await call(dinkes, 'POST', `/forms/${form.id}/submissions`, {
      values: { kegiatan: 7, hari: 'dua', x: 1 },
    });
    expect(refused.status).toBe(422);
    expect((await json(refused)).errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'values',
      'values.hari',
      'values.kegiatan',
    ]);
    await cloud.sfn.idle();
    expect(await scanAll()).toEqual(before);
    expect(
      (await cloud.sfn.listExecutions({ stateMachineArn: cloud.system.stateMachines[0]!.arn })).executions,
    ).toHaveLength(executions);
  });
});

describe('races', () => {
  it('records exactly one decision for 50 concurrent POSTs on one link under injected TransactionConflict', async () => {
    const { form } = await formWith([stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])]);
    const submission = await submit(form.id, { kegiatan: 'Rapat darurat', hari: 1 });
    const link = await linkFor(plt.email, submission.id);
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => decide(link, { decision: 'approve' })));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => [200, 409, 410].includes(s))).toBe(true);
    } finally {
      cloud.faults.dynamodb.transactionConflictRate = 0;
    }
    await cloud.sfn.idle();
    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.audit.filter((e) => e.event === 'decided')).toHaveLength(1);
    const votes = (await scanAll()).filter(
      (i) => String(i.PK) === `SUBMISSION#${submission.id}` && String(i.SK).startsWith('VOTE#'),
    );
    expect(votes).toHaveLength(1);
  });

  it('closes a quorum stage once when its seats decide concurrently, and signals Step Functions once', async () => {
    const { form } = await formWith([
      stage('Tim penilai', [personSeat(bkpsdmHead), personSeat(disdikHead), personSeat(camat)], {
        rule: { kind: 'quorum', k: 2 },
      }),
    ]);
    const submission = await submit(form.id, { kegiatan: 'Penilaian serentak', hari: 1 });
    const links = await Promise.all([bkpsdmHead, disdikHead, camat].map((p) => linkFor(p.email, submission.id)));
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    try {
      const answers = await Promise.all(
        links.flatMap((link) => Array.from({ length: 5 }, () => decide(link, { decision: 'approve' }))),
      );
      expect(answers.every((a) => [200, 409, 410].includes(a.status))).toBe(true);
      // Two seats close the stage; the third may or may not get its vote in before the stage closes.
      expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(2);
      expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(3);
    } finally {
      cloud.faults.dynamodb.transactionConflictRate = 0;
    }
    await cloud.sfn.idle();
    const after = await progressOf(submission.id);
    expect(after.status).toBe('approved');
    expect(after.audit.filter((e) => e.event === 'stage-closed')).toHaveLength(1);
    const execution = `:${submission.id}`;
    const successes = cloud.sfn
      .callLog()
      .filter((c) => c.operation === 'SendTaskSuccess' && c.task?.executionArn.endsWith(execution) && c.outcome.ok);
    expect(successes).toHaveLength(1);
  });
});

describe('links are safe', () => {
  it('leaves decisions, stages, tokens and requests byte-identical after GET and HEAD of every mailed link, twice', async () => {
    const { form } = await formWith([
      stage('Penilai', [personSeat(bkpsdmHead), personSeat(disdikHead)], { rule: { kind: 'any' } }),
    ]);
    await submit(form.id, { kegiatan: 'Dipindai', hari: 1 });
    const watched = new Set(['vote', 'stage', 'link', 'submission', 'audit']);
    const snapshot = async () => JSON.stringify((await scanAll()).filter((i) => watched.has(String(i.entity))));
    const before = await snapshot();
    const links = [...new Set((await cloud.outbox()).flatMap((m) => m.links))];
    expect(links.filter((l) => l.includes('/approvals/')).length).toBeGreaterThan(10);
    for (let round = 0; round < 2; round++) {
      for (const link of links) {
        for (const method of ['GET', 'HEAD']) {
          const response = await fetch(link, { method, redirect: 'manual' });
          expect(response.status).toBeLessThan(500);
          await response.arrayBuffer();
        }
      }
    }
    await cloud.sfn.idle();
    expect(await snapshot()).toBe(before);
  });

  it('stores no link token in any form, only its SHA-256, and logs neither link tokens nor task tokens', async () => {
    const tokens = (await cloud.outbox())
      .flatMap((m) => m.links)
      .filter((l) => l.includes('/approvals/'))
      .map((l) => l.split('/approvals/')[1]!);
    expect(tokens.length).toBeGreaterThan(10);
    const forms = tokens.flatMap((t) => {
      const bytes = Buffer.from(t, 'base64url');
      return [t, bytes.toString('base64'), bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, '')];
    });
    const items = JSON.stringify(await scanAll());
    const logs = cloud.logs.map((l) => l.line).join('\n');
    for (const form of forms) {
      expect(items.includes(form)).toBe(false);
      expect(logs.includes(form)).toBe(false);
    }
    const { createHash } = await import('node:crypto');
    for (const token of tokens) expect(items).toContain(`LINK#${createHash('sha256').update(token).digest('hex')}`);
    const taskTokens = cloud.sfn
      .callLog()
      .map((c) => c.input.taskToken)
      .filter((t): t is string => typeof t === 'string');
    expect(taskTokens.length).toBeGreaterThan(0);
    for (const token of taskTokens) expect(logs.includes(token)).toBe(false);
  });
});

describe('repairs and the clock', () => {
  it('repairs a stage closed in the table but never signalled (Step Functions unreachable) from the reconciler', async () => {
    const { form } = await formWith([stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])]);
    const submission = await submit(form.id, { kegiatan: 'Tanpa sinyal', hari: 1 });
    const link = await linkFor(plt.email, submission.id);
    cloud.faults.sfn.unavailable.add('SendTaskSuccess');
    try {
      expect((await decide(link, { decision: 'approve' })).status).toBe(200);
    } finally {
      cloud.faults.sfn.unavailable.delete('SendTaskSuccess');
    }
    await cloud.sfn.idle();
    // Decided in the table; the machine still waits, so the requester has heard nothing yet.
    expect((await progressOf(submission.id)).status).toBe('approved');
    expect(await executionOf(submission.id)).toBe('RUNNING');
    expect((await mailTo(dinkes.email, submission.id)).filter((m) => m.subject.includes('disetujui'))).toHaveLength(0);

    cloud.clock.advance(3 * 60_000);
    const reconciler = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
    const result = await cloud.lambda.invoke(reconciler.functionName, { source: 'aws.events', detail: {} });
    if (!result.ok) throw new Error(`reconciler failed: ${result.errorMessage}`);
    const checks = (result.payload as { checks: { name: string; found: number; repaired: number }[] }).checks;
    expect(checks.find((c) => c.name === 'workflow-signals-owed')).toMatchObject({ found: 1, repaired: 1 });
    await cloud.sfn.idle();
    expect(await executionOf(submission.id)).toBe('SUCCEEDED');
    expect((await mailTo(dinkes.email, submission.id)).filter((m) => m.subject.includes('disetujui'))).toHaveLength(1);
  });

  it('reminds undecided seats at reminderAt and escalates at deadlineAt, moved only by the clock', async () => {
    const { form } = await formWith([
      stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }], {
        reminderAfterDays: 1,
        deadlineAfterDays: 3,
        onDeadline: { kind: 'escalate', to: personSeat(mayor) },
      }),
    ]);
    const submission = await submit(form.id, { kegiatan: 'Menunggu', hari: 1 });
    const opened = (await progressOf(submission.id)).stages[0] as unknown as { reminderAt: string; deadlineAt: string };
    expect(Date.parse(opened.reminderAt)).toBeLessThan(Date.parse(opened.deadlineAt));
    expect(await mailTo(plt.email, submission.id)).toHaveLength(1);

    cloud.clock.set(Date.parse(opened.reminderAt) + 60_000);
    await cloud.sfn.idle();
    const reminded = await mailTo(plt.email, submission.id);
    expect(reminded).toHaveLength(2);
    expect(reminded[1]!.subject).toContain('Pengingat');
    expect(await mailTo(mayor.email, submission.id)).toHaveLength(0);

    cloud.clock.set(Date.parse(opened.deadlineAt) + 60_000);
    await cloud.sfn.idle();
    const escalated = await progressOf(submission.id);
    expect(escalated.stages[0]).toMatchObject({ status: 'open', escalated: true, seats: [{ name: mayor.name }] });
    expect(escalated.audit.map((e) => e.event)).toEqual([
      'stage-started',
      'emailed',
      'reminded',
      'escalated',
      'emailed',
    ]);
    // The original approver's links are superseded; the mayor's decides.
    expect((await fetch(reminded[1]!.links.find((l) => l.includes('/approvals/'))!)).status).toBe(410);
    expect((await decide(await linkFor(mayor.email, submission.id), { decision: 'approve' })).status).toBe(200);
    expect((await progressOf(submission.id)).status).toBe('approved');
  });
});

describe('deadlines and repairs of requests', () => {
  const reconcile = async () => {
    const reconciler = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
    const result = await cloud.lambda.invoke(reconciler.functionName, { source: 'aws.events', detail: {} });
    if (!result.ok) throw new Error(`reconciler failed: ${result.errorMessage}`);
    return (result.payload as { checks: { name: string; found: number; repaired: number }[] }).checks.find(
      (c) => c.name === 'workflow-signals-owed',
    )!;
  };

  it('starts from the reconciler a submission whose execution could not be started', async () => {
    const { form } = await formWith([stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }])]);
    cloud.faults.sfn.unavailable.add('StartExecution');
    let submission: { id: string };
    try {
      submission = await submit(form.id, { kegiatan: 'Belum dimulai', hari: 1 });
    } finally {
      cloud.faults.sfn.unavailable.delete('StartExecution');
    }
    expect(await executionOf(submission.id)).toBeUndefined();
    cloud.clock.advance(3 * 60_000);
    expect(await reconcile()).toMatchObject({ found: 1, repaired: 1 });
    await decide(await linkFor(plt.email, submission.id), { decision: 'approve' });
    await settled(submission.id, 'SUCCEEDED');
    expect((await progressOf(submission.id)).status).toBe('approved');
    // Nothing is owed any more: the next run finds nothing.
    cloud.clock.advance(3 * 60_000);
    expect(await reconcile()).toMatchObject({ found: 0 });
  });

  it('rejects at the deadline when the stage says auto-reject, and tells the requester', async () => {
    const { form } = await formWith([
      stage('Kepala kantor', [{ kind: 'head-of-submitting-office' }], { deadlineAfterDays: 2 }),
    ]);
    const submission = await submit(form.id, { kegiatan: 'Kedaluwarsa', hari: 1 });
    const link = await linkFor(plt.email, submission.id);
    const { deadlineAt } = (await progressOf(submission.id)).stages[0] as unknown as { deadlineAt: string };
    cloud.clock.set(Date.parse(deadlineAt) + 60_000);
    await settled(submission.id, 'SUCCEEDED');
    const after = await progressOf(submission.id);
    expect(after.status).toBe('rejected');
    expect(after.stages[0]).toMatchObject({ status: 'rejected', reason: 'Batas waktu terlewati' });
    expect((await fetch(link)).status).toBe(409);
    const notice = (await mailTo(dinkes.email, submission.id)).at(-1)!;
    expect(notice.subject).toContain('ditolak');
    expect(notice.text).toContain('melewati batas waktu');
  });

  it('withdraws a request not resubmitted by its resubmission deadline; the last round offers no more changes', async () => {
    const { form } = await formWith(
      [stage('Pertama', [personSeat(bkpsdmHead)]), stage('Kedua', [personSeat(disdikHead)])],
      { restartFrom: 'current', resubmitWithinDays: 2, maxRounds: 2 },
    );
    const submission = await submit(form.id, { kegiatan: 'Revisi', hari: 1 });
    await decide(await linkFor(bkpsdmHead.email, submission.id), { decision: 'approve' });
    await decide(await linkFor(disdikHead.email, submission.id), { decision: 'changes', comment: 'Perbaiki judul' });
    await ok(
      await call(dinkes, 'POST', `/submissions/${submission.id}/resubmit`, {
        values: { kegiatan: 'Revisi judul', hari: 1 },
      }),
    );
    await cloud.sfn.idle();
    // restartFrom current: round 2 starts at the stage that asked for changes, not at the first.
    const round2 = await progressOf(submission.id);
    expect(round2.stages.filter((s) => s.round === 2).map((s) => s.name)).toEqual(['Kedua']);
    const page = await (await fetch(await linkFor(disdikHead.email, submission.id))).text();
    expect(page).not.toContain('Minta perbaikan');
    expect(
      (await decide(await linkFor(disdikHead.email, submission.id), { decision: 'changes', comment: 'lagi' })).status,
    ).toBe(422);

    // A third request for changes is not possible; reject instead? No: here the approver does nothing, and a fresh
    // request shows the resubmission deadline instead.
    const { form: second } = await formWith([stage('Satu', [personSeat(camat)])], { resubmitWithinDays: 1 });
    const waiting = await submit(second.id, { kegiatan: 'Tidak diperbaiki', hari: 1 });
    await decide(await linkFor(camat.email, waiting.id), { decision: 'changes', comment: 'Lengkapi' });
    await cloud.sfn.idle();
    const notice = (await mailTo(dinkes.email, waiting.id)).at(-1)!;
    expect(notice.subject).toContain('perlu diperbaiki');
    const until = (await json(await call(dinkes, 'GET', `/submissions/${waiting.id}`))) as { id: string };
    expect(until.id).toBe(waiting.id);
    cloud.clock.advance(10 * 86_400_000);
    await settled(waiting.id, 'SUCCEEDED');
    const after = await progressOf(waiting.id);
    expect(after.status).toBe('withdrawn');
    expect((await mailTo(dinkes.email, waiting.id)).at(-1)!.subject).toContain('ditarik');
  });
});
