import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { idFromIdempotencyKey } from '#shared/http/idempotency';
import { approvalHelpers, loopback, nipOf, nominee, type Staff } from '#test/support/approvals';
import { json, sendFrom } from '#test/support/http';
import { ELEMENTS } from '#test/support/surveys';

/**
 * Races and faults (issue #9): concurrent requests under injected TransactionConflict, DynamoDB throttling, SES
 * failing for a while, a workflow task Lambda throwing once, Step Functions unreachable between a commit and its
 * signal (repaired by the reconciler), and what survey responses and retention keep. Every fault is switched off
 * again after its test; the invariants are read with faults off.
 */

let cloud: LocalCloud;
let db: DynamoDBDocumentClient;
let table: string;
const {
  call,
  ok,
  mailTo,
  linkFor,
  decide,
  executionOf,
  settled,
  oneStageForm: newOneStageForm,
  publishedTraining,
  approvedNomination: approveNomination,
} = approvalHelpers(() => cloud);
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const disdik = demoStaff.find((s) => s.officeCode === 'DISDIK')!;
const person = (name: string) => demoPeople.find((p) => p.name === name)!;
const plt = person('Ratna Sari'); // Plt. head of DINKES
const disdikHead = person('Yusuf Maulana');

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'securityfaults', seed: true });
  db = DynamoDBDocumentClient.from(cloud.dynamodb);
  table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
});

afterAll(async () => {
  await cloud?.stop();
});

afterEach(() => {
  cloud.faults.dynamodb.transactionConflictRate = 0;
  cloud.faults.dynamodb.throttleRate = 0;
  cloud.faults.ses.failureRate = 0;
  cloud.faults.lambda.throwOnce.clear();
  cloud.faults.sfn.unavailable.clear();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary items
type Item = Record<string, any>;

const scanAll = async (tableName = table): Promise<Item[]> => {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const reconcile = async () => {
  const reconciler = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
  const result = await cloud.lambda.invoke(reconciler.functionName, { source: 'aws.events', detail: {} });
  if (!result.ok) throw new Error(`reconciler failed: ${result.errorMessage}`);
  const checks = (result.payload as { checks: { name: string; found: number; repaired: number; failed: number }[] })
    .checks;
  return {
    signals: checks.find((c) => c.name === 'workflow-signals-owed')!,
    mail: checks.find((c) => c.name === 'mail-not-sent')!,
  };
};

/**
 * No mail went out twice: every captured message is the SES message id of exactly one sent outbox item, and every
 * sent outbox item was captured exactly once. Answers the number of outbox items and captured messages.
 */
const expectNoMailTwice = async () => {
  const items = (await scanAll()).filter((i) => i.entity === 'mail');
  const captured = await cloud.outbox();
  const perId = new Map<string, number>();
  for (const m of captured) perId.set(m.id, (perId.get(m.id) ?? 0) + 1);
  const sent = items.filter((i) => i.status === 'sent');
  for (const item of sent) expect(perId.get(item.sesMessageId), `outbox item ${item.id}`).toBe(1);
  const outboxIds = new Map<string, number>();
  for (const item of sent) outboxIds.set(item.sesMessageId, (outboxIds.get(item.sesMessageId) ?? 0) + 1);
  for (const m of captured) expect(outboxIds.get(m.id), `captured ${m.subject} to ${m.to}`).toBe(1);
  return { items: items.length, sent: sent.length, captured: captured.length };
};

let formCount = 0;
/** A published form whose one-stage workflow the head of the submitting office decides. */
const oneStageForm = () => {
  formCount += 1;
  return newOneStageForm(`gangguan ${formCount}`);
};

const submit = async (formId: string, values: Record<string, unknown>, who: Staff = dinkes) => {
  const submission = await ok(await call(who, 'POST', `/forms/${formId}/submissions`, { values }), 201);
  await cloud.sfn.idle();
  return submission.id as string;
};

const statusOf = async (id: string) =>
  (await ok(await call(dinkes, 'GET', `/submissions/${id}/progress`))) as {
    status: string;
    audit: { event: string }[];
  };

const outcomeMails = async (id: string, subject: string) =>
  (await mailTo(dinkes.email, id)).filter((m) => m.subject.includes(subject));

describe('races under injected TransactionConflict (30 %)', () => {
  it('stores one submission and starts one execution for ten concurrent submits with the same Idempotency-Key', async () => {
    const formId = await oneStageForm();
    const key = ulid();
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(dinkes, 'POST', `/forms/${formId}/submissions`, { values: { kegiatan: 'Kirim ganda', hari: 1 } }, key),
      ),
    );
    cloud.faults.dynamodb.transactionConflictRate = 0;
    const statuses = answers.map((a) => a.status);
    // The first answer is replayed to retries; a retry while the first still runs is told so (409, Retry-After).
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const ids = new Set(
      await Promise.all(answers.filter((a) => a.status === 201).map(async (a) => (await json(a)).id as string)),
    );
    expect(ids.size).toBe(1);
    const [id] = [...ids] as [string];
    // A later retry gets the same answer.
    const again = await call(
      dinkes,
      'POST',
      `/forms/${formId}/submissions`,
      {
        values: { kegiatan: 'Kirim ganda', hari: 1 },
      },
      key,
    );
    expect(again.status).toBe(201);
    expect((await json(again)).id).toBe(id);
    await cloud.sfn.idle();
    const submissions = (await scanAll()).filter((i) => i.entity === 'submission' && i.formId === formId);
    expect(submissions.map((s) => s.id)).toEqual([id]);
    const executions = (
      await cloud.sfn.listExecutions({ stateMachineArn: cloud.system.stateMachines[0]!.arn })
    ).executions!.filter((e) => e.name === id);
    expect(executions).toHaveLength(1);
    // One link to the approver, one mail.
    expect(await mailTo(plt.email, id)).toHaveLength(1);
  });

  it('settles a concurrent withdrawal and decision on one request with exactly one winner, six times over', async () => {
    const formId = await oneStageForm();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(formId, { kegiatan: `Balapan ${i}`, hari: 1 }));
    const links = await Promise.all(ids.map((id) => linkFor(plt.email, id)));
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    const outcomes = await Promise.all(
      ids.map(async (id, i) => {
        const [withdrawn, decided] = await Promise.all([
          call(dinkes, 'POST', `/submissions/${id}/withdraw`, { reason: 'Balapan' }),
          decide(links[i]!, { decision: 'approve' }, loopback(9_000 + i)),
        ]);
        return { id, withdraw: withdrawn.status, decide: decided.status };
      }),
    );
    cloud.faults.dynamodb.transactionConflictRate = 0;
    for (const { id, withdraw, decide: decision } of outcomes) {
      await settled(id, 'SUCCEEDED');
      const { status, audit } = await statusOf(id);
      if (withdraw === 200) {
        expect([409, 410]).toContain(decision);
        expect(status).toBe('withdrawn');
        expect(audit.filter((e) => e.event === 'decided')).toHaveLength(0);
        expect(await outcomeMails(id, 'ditarik')).toHaveLength(1);
        expect(await outcomeMails(id, 'disetujui')).toHaveLength(0);
      } else {
        expect(withdraw).toBe(409);
        expect(decision).toBe(200);
        expect(status).toBe('approved');
        expect(audit.filter((e) => e.event === 'decided')).toHaveLength(1);
        expect(await outcomeMails(id, 'disetujui')).toHaveLength(1);
        expect(await outcomeMails(id, 'ditarik')).toHaveLength(0);
      }
    }
    await expectNoMailTwice();
  });
});

let trainingCount = 0;
const training = (capacity: number) => {
  trainingCount += 1;
  return publishedTraining(`Diklat uji gangguan ${trainingCount}`, {
    capacity,
    sessionDays: ['2026-12-14', '2026-12-15'],
    registrationOpens: '2026-11-01',
    registrationCloses: '2026-12-10',
  });
};

const approvedNomination = (trainingId: string, n: number, who = dinkes, head = plt) =>
  approveNomination(trainingId, nominee(n), who, head);

const registrationsOf = async (trainingId: string) =>
  (await ok(await call(admin, 'GET', `/trainings/${trainingId}/registrations`))).items as {
    submissionId: string;
    status: string;
    seatNo?: number;
    waitlistPosition?: number;
  }[];

describe('seats under injected TransactionConflict (30 %)', () => {
  it('gives each seat freed by concurrent cancellations to the waitlist head, in order, never above capacity', async () => {
    const id = await training(3);
    const confirmed: string[] = [];
    const waitlisted: string[] = [];
    for (let n = 0; n < 3; n++) confirmed.push(await approvedNomination(id, 500 + n));
    for (let n = 3; n < 7; n++) waitlisted.push(await approvedNomination(id, 500 + n, disdik, disdikHead));
    const before = await registrationsOf(id);
    expect(before.filter((r) => r.status === 'confirmed').map((r) => r.seatNo)).toEqual([1, 2, 3]);
    expect(waitlisted.map((w) => before.find((r) => r.submissionId === w)!.waitlistPosition)).toEqual([1, 2, 3, 4]);

    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    const answers = await Promise.all(
      confirmed.map((c) => call(dinkes, 'POST', `/registrations/${c}/cancel`, { reason: 'Berhalangan' })),
    );
    cloud.faults.dynamodb.transactionConflictRate = 0;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);

    const after = await registrationsOf(id);
    const of = (s: string) => after.find((r) => r.submissionId === s)!;
    expect(confirmed.map((c) => of(c).status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The first three of the waitlist got the seats, in waitlist order (seat numbers are commit order, never reused).
    expect(waitlisted.slice(0, 3).map((w) => of(w).status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(waitlisted.slice(0, 3).map((w) => of(w).seatNo)).toEqual([4, 5, 6]);
    expect(of(waitlisted[3]!)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
    const batch = (await ok(await call(admin, 'GET', `/trainings/${id}`))).batches[0];
    expect(batch).toMatchObject({ capacity: 3, seatsTaken: 3, waitlistLength: 1, remainingSeats: 0 });
    const promoted = (await cloud.outbox()).filter((m) => m.subject.startsWith('Naik dari daftar tunggu'));
    for (const n of [3, 4, 5]) expect(promoted.filter((m) => m.to.includes(nominee(500 + n).email))).toHaveLength(1);
    expect(promoted.filter((m) => m.to.includes(nominee(506).email))).toHaveLength(0);
  });
});

const allScores = (score: number) => Object.fromEntries(ELEMENTS.map((key) => [key, score]));

// The SDK retries a throttled DynamoDB call (4 attempts, shared/aws/retry.ts), so 60 % per call refuses about an
// eighth of the calls for good.
const THROTTLE_RATE = 0.6;
/** How long an HTTP function may run (the house default): past it API Gateway answers a bare 500. */
const FUNCTION_TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
}

/** Sends a JSON request as `who`, timed from the client's side. */
const timedJson = async (who: Staff, method: string, path: string, body: unknown, key?: string): Promise<Answer> => {
  const started = performance.now();
  const response = await call(who, method, path, body, key);
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    text,
    ms: performance.now() - started,
  };
};

/** The product's own 503 (not the gateway's): problem+json with Retry-After, `busy` (nothing stored) or `timeout`. */
const problemTypeOf503 = (answer: { status: number; headers: Answer['headers']; text: string }) => {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.headers['retry-after']).toBe('1');
  const type = String(JSON.parse(answer.text).type);
  expect(['https://abdi.dev/problems/busy', 'https://abdi.dev/problems/timeout']).toContain(type);
  return type.endsWith('/busy') ? 'busy' : 'timeout';
};

const votesOf = async (id: string) =>
  (await scanAll()).filter((i) => i.PK === `SUBMISSION#${id}` && String(i.SK).startsWith('VOTE#')).length;

describe('DynamoDB throttling', () => {
  it('answers a JSON write 503 problem+json with Retry-After within the function’s time, and writes nothing, while DynamoDB refuses (nearly) every call', async () => {
    // A form without a workflow: nothing runs on after the submission.
    const fields = [{ name: 'kegiatan', label: 'Nama kegiatan', type: 'text', required: true }];
    const form = await ok(await call(admin, 'POST', '/forms', { title: 'Izin tercekik', fields }), 201);
    await ok(
      await call(admin, 'POST', `/forms/${form.id}/status`, {
        action: 'publish',
        version: 1,
        expectedVersion: form.version,
      }),
    );
    const path = `/forms/${form.id}/submissions`;
    const body = (i: number) => ({ values: { kegiatan: `Tercekik ${i}` } });
    // Warm sandboxes first: a cold start is not the function's time.
    await Promise.all(Array.from({ length: 6 }, () => call(dinkes, 'GET', `/forms/${form.id}`)));
    // Every call refused; then only the transaction, so that the request gets that far and the transaction helper
    // retries until the deadline (without one, its 8 attempts of up to 4 SDK attempts each outlast the 10 s); then
    // most calls, so that some requests succeed.
    const plan = [
      { name: 'all', rate: 1, only: [] },
      { name: 'transactions', rate: 1, only: ['TransactWriteItems'] },
      { name: 'most', rate: 0.8, only: [] },
    ];
    const rounds: { name: string; keys: string[]; answers: Answer[] }[] = [];
    for (const { name, rate, only } of plan) {
      const keys = Array.from({ length: 6 }, () => ulid());
      cloud.faults.dynamodb.throttleOperations = new Set(only);
      cloud.faults.dynamodb.throttleRate = rate;
      try {
        rounds.push({
          name,
          keys,
          answers: await Promise.all(keys.map((key, i) => timedJson(dinkes, 'POST', path, body(i), key))),
        });
      } finally {
        cloud.faults.dynamodb.throttleRate = 0;
        cloud.faults.dynamodb.throttleOperations = undefined;
      }
    }
    const submissionsOf = async () =>
      (await scanAll()).filter((i) => i.entity === 'submission' && i.formId === form.id).map((i) => i.id as string);
    const stored = new Set(await submissionsOf());
    for (const { name, keys, answers } of rounds) {
      for (const [i, answer] of answers.entries()) {
        // Answered by the function, in its time: never the gateway's bare 500 of a function that timed out.
        expect(answer.ms, `${name}: ${answer.status}`).toBeLessThan(FUNCTION_TIMEOUT_MS);
        const id = idFromIdempotencyKey(dinkes.sub, keys[i]!);
        if (answer.status === 201) {
          expect(JSON.parse(answer.text).id).toBe(id);
          expect(stored.has(id)).toBe(true);
          continue;
        }
        const kind = problemTypeOf503(answer);
        if (name !== 'most') expect(kind).toBe('busy');
        if (kind === 'busy') expect(stored.has(id), `${name}: refused but stored`).toBe(false);
      }
    }
    // Sent again once the database recovers (after a keyed request's in-progress window): stored, once per key.
    cloud.clock.advance(60_000);
    const keys = rounds.flatMap((r) => r.keys);
    for (const [i, key] of keys.entries()) {
      const again = await timedJson(dinkes, 'POST', path, body(i % 6), key);
      // Also a key whose answer timed out after its commit, or whose idempotency record was not saved after a 201:
      // it meets its own stored submission and is answered as stored.
      expect(again.status, again.text).toBe(201);
    }
    expect((await submissionsOf()).sort()).toEqual(keys.map((key) => idFromIdempotencyKey(dinkes.sub, key)).sort());
    for (const { name, answers } of rounds) {
      throttledFigures[`jsonWrite-${name}`] = {
        sent: answers.length,
        accepted: answers.filter((a) => a.status === 201).length,
        fastestMs: Math.round(Math.min(...answers.map((a) => a.ms))),
        slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))),
      };
    }
  });

  it('loses no accepted survey response in a storm with 60 % of DynamoDB calls throttled, and refused ones wrote nothing', async () => {
    const sent = Array.from({ length: 40 }, (_, i) => ({
      responseId: ulid(),
      answers: allScores(1 + (i % 4)),
      service: 'Imunisasi',
    }));
    cloud.faults.dynamodb.throttleRate = THROTTLE_RATE;
    const answers = await Promise.all(
      sent.map((body, i) =>
        sendFrom(loopback(20_000 + i), `${cloud.url}/surveys/PKM-DEMPO/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      ),
    );
    cloud.faults.dynamodb.throttleRate = 0;
    const statuses = answers.map((a) => a.status);
    const stored = new Set((await scanAll()).filter((i) => i.entity === 'survey-response').map((i) => i.id as string));
    const accepted = sent.filter((_, i) => statuses[i]! < 300);
    for (const body of accepted) expect(stored.has(body.responseId)).toBe(true);
    // A refusal under throttling says "try again later" (503 with Retry-After), never a bare 500.
    for (const [i, answer] of answers.entries()) {
      if (answer.status < 300) continue;
      // A bare 503 is the gateway's own answer when the integration ran out of time: 40 requests queue for the
      // runtime's 8 sandboxes of the function (Lambda would scale out). Nothing was written then either.
      const gateway = answer.status === 503 && !answer.headers['content-type']?.includes('problem+json');
      if (gateway || problemTypeOf503(answer) === 'busy') expect(stored.has(sent[i]!.responseId)).toBe(false);
      // A retry with the same response id stores it once.
      const retried = await sendFrom(loopback(21_000 + i), `${cloud.url}/surveys/PKM-DEMPO/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sent[i]),
      });
      expect(retried.status).toBe(201);
    }
    const storedOnce = (await scanAll()).filter((i) => i.entity === 'survey-response');
    for (const body of sent) expect(storedOnce.filter((i) => i.id === body.responseId)).toHaveLength(1);
    throttledFigures.survey = {
      sent: sent.length,
      accepted: accepted.length,
      refused: sent.length - accepted.length,
      gateway503: answers.filter((a) => a.status === 503 && !a.headers['content-type']?.includes('problem+json'))
        .length,
    };
  });

  it('answers every committed decision 200 with 60 % of DynamoDB calls throttled and Step Functions unreachable after the commit; the reconciler completes them', async () => {
    const formId = await oneStageForm();
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await submit(formId, { kegiatan: `Tercekik ${i}`, hari: 1 }));
    const links = await Promise.all(ids.map((id) => linkFor(plt.email, id)));
    // Warm a sandbox per decision (a GET decides nothing): a cold start is not the function's time.
    await Promise.all(links.map((link) => fetch(link)));
    cloud.faults.dynamodb.throttleRate = THROTTLE_RATE;
    // Whatever the database did before the commit, the signal after it cannot be sent: the reconciler owes it.
    cloud.faults.sfn.unavailable.add('SendTaskSuccess');
    const answers = await Promise.all(
      links.map(async (link, i) => {
        const started = performance.now();
        const answer = await decide(link, { decision: 'approve' }, loopback(30_000 + i));
        return { ...answer, ms: performance.now() - started };
      }),
    );
    cloud.faults.dynamodb.throttleRate = 0;
    cloud.faults.sfn.unavailable.delete('SendTaskSuccess');
    const recorded = await Promise.all(ids.map(votesOf));
    for (const [i, answer] of answers.entries()) {
      expect(answer.ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
      const votes = recorded[i]!;
      if (answer.status === 200) {
        expect(answer.text).toContain('Persetujuan Anda telah tercatat');
        expect(votes).toBe(1);
        continue;
      }
      // The product's 503 page (never a bare 500): nothing written, or, if the last call timed out, maybe written.
      expect(answer.status, answer.text).toBe(503);
      expect(answer.text).toContain('Layanan sedang sibuk');
      if (!answer.text.includes('mungkin belum tersimpan')) expect(votes).toBe(0);
      // The approver presses again: decided now, or told that the decision already stands (and which).
      const again = await decide(links[i]!, { decision: 'approve' }, loopback(31_000 + i));
      if (votes === 0) expect(again.status).toBe(200);
      else {
        expect(again.status).toBe(409);
        expect(again.text).toContain('Keputusan Anda sudah tercatat');
      }
    }
    for (const id of ids) expect(await votesOf(id)).toBe(1);
    // The decisions recorded in the throttled round wait for their signal; the reconciler sends it.
    cloud.clock.advance(3 * 60_000);
    const repaired = (await reconcile()).signals;
    expect(repaired.found).toBe(recorded.filter((votes) => votes === 1).length);
    expect(repaired).toMatchObject({ repaired: repaired.found, failed: 0 });
    for (const id of ids) {
      await settled(id, 'SUCCEEDED');
      expect((await statusOf(id)).status).toBe('approved');
      expect(await outcomeMails(id, 'disetujui')).toHaveLength(1);
    }
    cloud.clock.advance(3 * 60_000);
    expect((await reconcile()).signals.found).toBe(0);
    throttledFigures.decisions = {
      sent: answers.length,
      accepted: answers.filter((a) => a.status === 200).length,
      refused: answers.filter((a) => a.status !== 200).length,
      repairedByReconciler: repaired.repaired,
      slowestMs: Math.round(Math.max(...answers.map((a) => a.ms))),
    };
    await expectNoMailTwice();
  });

  it('answers an inbox bulk decision with what each request became once any was recorded, and a retry says which stand', async () => {
    const trainingId = await training(10);
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const submission = await ok(
        await call(dinkes, 'POST', `/forms/${trainingId}/submissions`, { values: nominee(810 + n) }),
        201,
      );
      expect((await decide(await linkFor(plt.email, submission.id), { decision: 'approve' })).status).toBe(200);
      await linkFor(admin.email, submission.id);
      ids.push(submission.id as string);
    }
    const items = (await ok(await call(admin, 'GET', `/inbox?formId=${trainingId}`))).items;
    expect(items).toHaveLength(3);
    const outcomes: string[][] = [];
    const bulk = () => timedJson(admin, 'POST', '/inbox/decisions', { items, decision: 'approve' });
    // The approver presses again until every one is recorded, with the database throttled and Step Functions down.
    cloud.faults.sfn.unavailable.add('SendTaskSuccess');
    for (let round = 0; round < 8 && !outcomes.at(-1)?.every((o) => o === 'recorded' || o === 'decided'); round++) {
      cloud.faults.dynamodb.throttleRate = THROTTLE_RATE;
      const answer = await bulk();
      cloud.faults.dynamodb.throttleRate = 0;
      expect(answer.ms).toBeLessThan(FUNCTION_TIMEOUT_MS);
      if (answer.status !== 200) {
        // Refused before any was recorded.
        problemTypeOf503(answer);
        continue;
      }
      const results = JSON.parse(answer.text).results as { submissionId: string; outcome: string }[];
      outcomes.push(results.map((r) => r.outcome));
      for (const { submissionId, outcome } of results) {
        expect(['recorded', 'decided', 'failed'], outcome).toContain(outcome);
        if (outcome === 'recorded' || outcome === 'decided') expect(await votesOf(submissionId)).toBe(2);
      }
    }
    cloud.faults.sfn.unavailable.delete('SendTaskSuccess');
    const last = (JSON.parse((await bulk()).text).results as { outcome: string }[]).map((r) => r.outcome);
    expect(last.every((o) => o === 'recorded' || o === 'decided')).toBe(true);
    for (const id of ids) expect(await votesOf(id)).toBe(2);
    cloud.clock.advance(3 * 60_000);
    expect((await reconcile()).signals).toMatchObject({ failed: 0 });
    for (const id of ids) await settled(id, 'SUCCEEDED');
    throttledFigures.inbox = {
      rounds: outcomes.length,
      partial: outcomes.filter((o) => o.includes('failed') && o.includes('recorded')).length,
    };
  });
});

const throttledFigures: Record<string, Record<string, number>> = {};

describe('SES failing for a while', () => {
  it('keeps the mail pending while SES fails, then the reconciler sends each mail once', async () => {
    const formId = await oneStageForm();
    cloud.faults.ses.failureRate = 1;
    const id = await submit(formId, { kegiatan: 'Surel tertunda', hari: 1 });
    await settled(id, 'RUNNING');
    await cloud.sfn.idle();
    expect(await mailTo(plt.email, id)).toHaveLength(0);
    const pending = (await scanAll()).filter((i) => i.entity === 'mail' && i.status !== 'sent');
    expect(pending.length).toBeGreaterThanOrEqual(1);
    expect(pending.every((i) => i.status === 'pending')).toBe(true);

    // Still failing: the reconciler tries, fails, and leaves them pending with a backoff.
    cloud.clock.advance(3 * 60_000);
    const failing = await reconcile();
    expect(failing.mail.repaired).toBe(0);
    expect(await mailTo(plt.email, id)).toHaveLength(0);

    cloud.faults.ses.failureRate = 0;
    cloud.clock.advance(5 * 60_000);
    const recovered = await reconcile();
    expect(recovered.mail.repaired).toBeGreaterThanOrEqual(pending.length);
    expect(await mailTo(plt.email, id)).toHaveLength(1);
    // A second run finds nothing due; the link works; the outcome mail goes out once.
    cloud.clock.advance(5 * 60_000);
    expect((await reconcile()).mail.found).toBe(0);
    expect((await decide(await linkFor(plt.email, id), { decision: 'approve' })).status).toBe(200);
    await settled(id, 'SUCCEEDED');
    expect(await outcomeMails(id, 'disetujui')).toHaveLength(1);
    sesFigures.pendingWhileFailing = pending.length;
    sesFigures.sentByReconciler = recovered.mail.repaired;
    await expectNoMailTwice();
  });
});

const sesFigures: Record<string, number> = {};

describe('a workflow task Lambda throwing once', () => {
  it('completes the request when the wait task and then the advance step each throw once, with no mail twice', async () => {
    const formId = await oneStageForm();
    cloud.faults.lambda.throwOnce.add('abdi-dev-workflow-wait-task');
    const id = await submit(formId, { kegiatan: 'Lambda gagal sekali', hari: 1 });
    const link = await linkFor(plt.email, id);
    expect(cloud.faults.lambda.throwOnce.has('abdi-dev-workflow-wait-task')).toBe(false);
    cloud.faults.lambda.throwOnce.add('abdi-dev-workflow-advance');
    expect((await decide(link, { decision: 'approve' })).status).toBe(200);
    await settled(id, 'SUCCEEDED');
    expect(cloud.faults.lambda.throwOnce.has('abdi-dev-workflow-advance')).toBe(false);
    expect((await statusOf(id)).status).toBe('approved');
    expect(await mailTo(plt.email, id)).toHaveLength(1);
    expect(await outcomeMails(id, 'disetujui')).toHaveLength(1);
    await expectNoMailTwice();
  });
});

describe('a crash between a commit and the next step, repaired by the reconciler', () => {
  it('starts, signals and fails what Step Functions could not be told during a submit, a decision and a withdrawal', async () => {
    const formId = await oneStageForm();
    // Submit while StartExecution fails: accepted, not started.
    cloud.faults.sfn.unavailable.add('StartExecution');
    const started = await submit(formId, { kegiatan: 'Belum dimulai', hari: 1 });
    cloud.faults.sfn.unavailable.delete('StartExecution');
    expect(await executionOf(started)).toBeUndefined();

    // A decision while SendTaskSuccess fails: decided in the table, the machine still waits.
    const decided = await submit(formId, { kegiatan: 'Belum diberi tahu', hari: 1 });
    const decidedLink = await linkFor(plt.email, decided);
    cloud.faults.sfn.unavailable.add('SendTaskSuccess');
    expect((await decide(decidedLink, { decision: 'approve' })).status).toBe(200);
    cloud.faults.sfn.unavailable.delete('SendTaskSuccess');

    // A withdrawal while SendTaskFailure fails: withdrawn in the table, the machine still waits.
    const withdrawn = await submit(formId, { kegiatan: 'Ditarik diam-diam', hari: 1 });
    const withdrawnLink = await linkFor(plt.email, withdrawn);
    cloud.faults.sfn.unavailable.add('SendTaskFailure');
    expect((await call(dinkes, 'POST', `/submissions/${withdrawn}/withdraw`, {})).status).toBe(200);
    cloud.faults.sfn.unavailable.delete('SendTaskFailure');
    await cloud.sfn.idle();
    expect(await executionOf(decided)).toBe('RUNNING');
    expect(await executionOf(withdrawn)).toBe('RUNNING');
    expect(await outcomeMails(decided, 'disetujui')).toHaveLength(0);
    expect(await outcomeMails(withdrawn, 'ditarik')).toHaveLength(0);
    expect((await decide(withdrawnLink, { decision: 'approve' })).status).toBe(410);

    cloud.clock.advance(3 * 60_000);
    const repaired = await reconcile();
    expect(repaired.signals).toMatchObject({ found: 3, repaired: 3, failed: 0 });
    await cloud.sfn.idle();
    await settled(decided, 'SUCCEEDED');
    await settled(withdrawn, 'SUCCEEDED');
    expect((await decide(await linkFor(plt.email, started), { decision: 'approve' })).status).toBe(200);
    await settled(started, 'SUCCEEDED');
    expect((await statusOf(started)).status).toBe('approved');
    expect((await statusOf(decided)).status).toBe('approved');
    expect((await statusOf(withdrawn)).status).toBe('withdrawn');
    expect(await outcomeMails(started, 'disetujui')).toHaveLength(1);
    expect(await outcomeMails(decided, 'disetujui')).toHaveLength(1);
    expect(await outcomeMails(withdrawn, 'ditarik')).toHaveLength(1);
    for (const id of [started, decided, withdrawn]) expect(await mailTo(plt.email, id)).toHaveLength(1);
    // Nothing is owed any more.
    cloud.clock.advance(3 * 60_000);
    expect((await reconcile()).signals.found).toBe(0);
    await expectNoMailTwice();
  });
});

describe('privacy of survey responses', () => {
  it('stores only the schema’s fields of a response: no address, user agent or client pseudonym, names only where typed', async () => {
    const responseId = ulid();
    const ip = loopback(40_000);
    const answer = await sendFrom(ip, `${cloud.url}/surveys/PKM-DEMPO/responses`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (Linux; Android 14; SM-A155F) PenandaAgen/1.0',
        'x-forwarded-for': '203.0.113.77',
      },
      body: JSON.stringify({
        responseId,
        answers: allScores(3),
        service: 'Imunisasi',
        respondent: { ageBand: '30-39', gender: 'P' },
        suggestion: 'Petugas Budi Santoso (0812-3456-7890) ramah sekali',
      }),
    });
    expect(answer.status).toBe(201);
    const items = await scanAll();
    const response = items.find((i) => i.entity === 'survey-response' && i.id === responseId)!;
    expect(Object.keys(response).sort()).toEqual(
      [
        'GSI1PK',
        'GSI1SK',
        'GSI2PK',
        'GSI2SK',
        'PK',
        'SK',
        '_v',
        'answers',
        'entity',
        'id',
        'instrumentVersion',
        'month',
        'receivedAt',
        'respondent',
        'service',
        'shard',
        'suggestion',
        'unitCode',
      ].sort(),
    );
    expect(Object.keys(response.respondent).sort()).toEqual(['ageBand', 'gender']);
    const text = JSON.stringify(response);
    for (const identifying of [ip, '203.0.113.77', 'Mozilla', 'PenandaAgen', 'SM-A155F']) {
      expect(text).not.toContain(identifying);
    }
    // The client's pseudonym (in its rate-limit counter's key) is not on the response, nor on any aggregate.
    const pseudonyms = items
      .filter((i) => String(i.PK).startsWith('RATE#POST /surveys/{unitCode}/responses#'))
      .map((i) => String(i.PK).split('#').at(-1)!);
    expect(pseudonyms.length).toBeGreaterThan(0);
    const survey = JSON.stringify(items.filter((i) => String(i.entity).startsWith('survey')));
    for (const pseudonym of pseudonyms) expect(survey).not.toContain(pseudonym);
    // What the respondent typed stays what they typed: the suggestion is the one free-text place.
    expect(response.suggestion).toContain('Budi Santoso');
  });
});

describe('retention', () => {
  it('sets the TTL attribute of what expires as docs/security.md says (DynamoDB Local keeps them: values are checked)', async () => {
    const day = 86_400;
    const items = await scanAll();
    const links = items.filter((i) => i.entity === 'link');
    const inbox = items.filter((i) => i.entity === 'inbox');
    const sent = items.filter((i) => i.entity === 'mail' && i.status === 'sent');
    const counters = items.filter((i) => String(i.PK).startsWith('RATE#'));
    for (const list of [links, inbox, sent, counters]) expect(list.length).toBeGreaterThan(0);
    // Links and inbox entries: 30 days after the stage's deadline.
    for (const link of links) expect(link.ttl).toBe(Math.floor(Date.parse(link.expiresAt) / 1000) + 30 * day);
    for (const entry of inbox) expect(entry.ttl).toBe(Math.floor(Date.parse(entry.deadlineAt) / 1000) + 30 * day);
    // Sent mail: 90 days after sending; mail not yet sent has none (it must not vanish before it goes out).
    for (const mail of sent) expect(mail.ttl).toBe(Math.floor(Date.parse(mail.sentAt) / 1000) + 90 * day);
    for (const mail of items.filter((i) => i.entity === 'mail' && i.status !== 'sent'))
      expect(mail.ttl).toBeUndefined();
    // Rate counters: an hour after their window ends (a day window at most).
    const now = Math.floor(cloud.clock.now() / 1000);
    for (const counter of counters) {
      expect(counter.ttl).toBeGreaterThan(now - 2 * day);
      expect(counter.ttl).toBeLessThanOrEqual(now + day + 3600);
    }
    // Idempotency records: 24 hours after the request (Powertools' `expiration`, the table's TTL attribute).
    const idempotency = cloud.system.tables.find((t) => !t.logicalId.startsWith('DataDomain'))!;
    const records = await scanAll(idempotency.tableName);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.expiration).toBeGreaterThan(now - 2 * day);
      expect(record.expiration).toBeLessThanOrEqual(now + day + 60);
    }
    // Nothing else carries a TTL: submissions, votes, audit entries, registrations and responses are deleted by the
    // retention job, per its settings (test/security/retention.test.ts).
    const kinds = new Set(
      items.filter((i) => i.ttl !== undefined).map((i) => (String(i.PK).startsWith('RATE#') ? 'rate' : i.entity)),
    );
    expect([...kinds].sort()).toEqual(['inbox', 'link', 'mail', 'rate']);
  });
});

describe('export of a person’s data by NIP', () => {
  it('gives an admin the person, their staff account, registrations and submissions of a NIP; others nothing', async () => {
    const nip = nipOf(700);
    const created = await ok(
      await call(admin, 'POST', '/directory/people', {
        name: 'Peserta Ekspor',
        email: nominee(700).email,
        phone: '081298765432',
        employeeType: 'PNS',
        nip,
        unitCode: 'DINKES',
      }),
      201,
    );
    const trainingId = await training(5);
    const registered = await ok(
      await call(dinkes, 'POST', `/forms/${trainingId}/submissions`, { values: nominee(700) }),
      201,
    );
    await cloud.sfn.idle();
    const spaced = `${nip.slice(0, 8)} ${nip.slice(8, 14)} ${nip.slice(14, 15)} ${nip.slice(15)}`;
    const exported = await ok(await call(admin, 'POST', '/directory/people/export', { nip: spaced }));
    expect(exported.person).toMatchObject({ id: created.id, name: 'Peserta Ekspor', phone: '081298765432' });
    expect(exported.nipMasked).toBe(`${nip.slice(0, 4)}***********${nip.slice(-3)}`);
    expect(exported.registrations).toEqual([
      expect.objectContaining({ submissionId: registered.id, trainingId, status: 'pending' }),
    ]);
    expect(exported.submissions).toEqual([
      expect.objectContaining({ id: registered.id, formId: trainingId, values: expect.objectContaining({ nip }) }),
    ]);
    expect(exported.staff).toEqual([]);
    expect((await call(admin, 'POST', '/directory/people/export', { nip: nipOf(701) })).status).toBe(404);
    expect((await call(admin, 'POST', '/directory/people/export', { nip: '12345' })).status).toBe(422);
    for (const who of [dinkes, disdik]) {
      expect((await call(who, 'POST', '/directory/people/export', { nip })).status).toBe(403);
    }
  });
});

describe('figures', () => {
  it('reports what the fault tests measured', () => {
    console.info('faults.test.ts figures', JSON.stringify({ throttled: throttledFigures, ses: sesFigures }));
    expect(Object.keys(throttledFigures).length + Object.keys(sesFigures).length).toBeGreaterThan(0);
  });
});
