import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { approvalHelpers, nipOf, nominee } from '#test/support/approvals';
import { json } from '#test/support/http';
import { addresses, generateResponse, oracle, type RawResponse, seeded, surveyCalls } from '#test/support/surveys';

/**
 * Retention (issue #9): the stage's settings come from the CDK context, reach the retention job through the
 * template, and with the clock moved past each retention the job deletes what they say — read through the API —
 * while what must stay stays: open requests, a nomination until its batch is over, the IKM report of a period whose
 * responses are gone, and whatever is still inside its retention. Settings shorter than the defaults keep the dates
 * readable; the defaults themselves are checked in test/infra/stack.test.ts.
 */

const SETTINGS = { surveyResponsesDays: 400, submissionsDays: 200, auditDays: 300 };
const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2027-01-11T02:00:00Z'); // Monday 09:00 WIB
const UNIT = 'KEC-06';
const SERVICES = ['Surat keterangan', 'Legalisasi dokumen'];

let cloud: LocalCloud;
const { call, ok, decide, linkFor, settled, oneStageForm, publishedTraining, approvedNomination } = approvalHelpers(
  () => cloud,
);
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
// Plt. head of DINKES: decides its requests.
const dinkesHead = demoPeople.find((p) => p.name === 'Ratna Sari')!.email;

const at = (instant: number) => cloud.clock.set(instant);

const runRetention = async () => {
  const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('RetentionJob'))!;
  const result = await cloud.lambda.invoke(fn.functionName, { source: 'aws.events', 'detail-type': 'Scheduled Event' });
  if (!result.ok) throw new Error(`retention job failed: ${result.errorType}: ${result.errorMessage}`);
  return result.payload as {
    submissions: { deleted: number };
    audit: { deleted: number };
    surveyResponses: { months: string[]; deleted: number };
  };
};

const reconcile = async () => {
  const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
  const result = await cloud.lambda.invoke(fn.functionName, { source: 'aws.events', detail: {} });
  if (!result.ok) throw new Error(`reconciler failed: ${result.errorMessage}`);
};

/** What the requester's office reads of a submission: the submission and its progress, 404 once deleted. */
const submissionStatus = async (id: string) => (await call(dinkes, 'GET', `/submissions/${id}`)).status;
const progressOf = async (id: string) => {
  const answer = await call(dinkes, 'GET', `/submissions/${id}/progress`);
  return { status: answer.status, body: answer.status === 200 ? await json(answer) : undefined };
};
/** When a request reached its final state: the `completed` entry of its audit trail. */
const finalAt = async (id: string) =>
  Date.parse((await progressOf(id)).body.audit.find((e: { event: string }) => e.event === 'completed').at);

/** Audit entries of a submission in the table (the API shows them only with their submission). */
const auditEntries = async (id: string) =>
  (
    await DynamoDBDocumentClient.from(cloud.dynamodb).send(
      new QueryCommand({
        TableName: cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
        ExpressionAttributeValues: { ':pk': `SUBMISSION#${id}`, ':audit': 'AUDIT#' },
        ConsistentRead: true,
      }),
    )
  ).Count ?? 0;

const exportedResponses = async (month: string) => {
  const answer = await fetch(`${cloud.url}/surveys/${UNIT}/export.csv?from=${month}&content=responses`, {
    headers: { authorization: `Bearer ${await surveys.tokenOf('admin')}` },
  });
  expect(answer.status).toBe(200);
  return answer.text();
};
const participants = async () =>
  (await ok(await call(admin, 'GET', `/trainings/${trainingId}/batches/1/participants`))).participants as {
    submissionId: string;
  }[];
const reportOf = async (month: string) => json(await surveys.getReport(UNIT, `from=${month}`));
const suggestionIds = async () => {
  const answer = await fetch(`${cloud.url}/surveys/${UNIT}/suggestions`, {
    headers: { authorization: `Bearer ${await surveys.tokenOf('admin')}` },
  });
  return ((await json(answer)).items as { responseId: string }[]).map((s) => s.responseId);
};

let surveys: ReturnType<typeof surveyCalls>;
const sent: Record<string, { ids: string[]; responses: RawResponse[] }> = {};
const postResponses = async (month: string, count: number, random: () => number, ip: () => string) => {
  sent[month] = { ids: [], responses: [] };
  for (let i = 0; i < count; i++) {
    const response = { ...generateResponse(random, SERVICES, 3), ...(i === 0 ? { suggestion: `Saran ${month}` } : {}) };
    const responseId = ulid(cloud.clock.now());
    const answer = await surveys.postJson(UNIT, { ...response, responseId }, ip());
    expect(answer.status, answer.text).toBe(201);
    sent[month].ids.push(responseId);
    sent[month].responses.push(response);
  }
};

// The requests of the story, by what happens to them.
const ids = { approved: '', laterApproved: '', open: '', withoutChain: '', nomination: '' };
/** When the two approved requests reached their final state. */
const finals = { approved: 0, laterApproved: 0 };
let trainingId = '';
const NOMINEE = nominee(810, 'Retensi');
// The nomination's batch: its last session day is 2027-09-24, so it is over at 2027-09-25 00:00 WIB.
const BATCH_END = Date.parse('2027-09-24T17:00:00Z');

beforeAll(async () => {
  cloud = await startLocalCloud({
    accessKeyId: 'securityretention',
    seed: true,
    context: { retention: { dev: SETTINGS } },
  });
  surveys = surveyCalls(cloud);
  const random = seeded(9);
  const ip = addresses(93);

  at(T0);
  const formId = await oneStageForm('retensi', 60);
  const submit = async (form: string, kegiatan: string) =>
    (await ok(await call(dinkes, 'POST', `/forms/${form}/submissions`, { values: { kegiatan, hari: 2 } }), 201))
      .id as string;
  // Approved at once.
  ids.approved = await submit(formId, 'Disetujui segera');
  expect((await decide(await linkFor(dinkesHead, ids.approved), { decision: 'approve' })).status).toBe(200);
  await settled(ids.approved, 'SUCCEEDED');
  finals.approved = await finalAt(ids.approved);
  // Approved a month later.
  ids.laterApproved = await submit(formId, 'Disetujui sebulan kemudian');
  await linkFor(dinkesHead, ids.laterApproved);
  // Open for good: Step Functions was unreachable when it was filed, and nothing repairs it until the end.
  cloud.faults.sfn.unavailable.add('StartExecution');
  ids.open = await submit(formId, 'Masih terbuka');
  cloud.faults.sfn.unavailable.delete('StartExecution');
  // A form without approval chain: its submission is final as filed.
  const plain = await ok(
    await call(admin, 'POST', '/forms', {
      title: 'Laporan kegiatan retensi',
      fields: [{ name: 'kegiatan', label: 'Kegiatan', type: 'text', required: true }],
    }),
    201,
  );
  await ok(
    await call(admin, 'POST', `/forms/${plain.id}/status`, { action: 'publish', version: 1, expectedVersion: 1 }),
  );
  ids.withoutChain = (
    await ok(
      await call(dinkes, 'POST', `/forms/${plain.id}/submissions`, { values: { kegiatan: 'Laporan bulanan' } }),
      201,
    )
  ).id;
  // A nomination with a seat in a batch held eight months after the decision.
  trainingId = await publishedTraining('Pelatihan Kepemimpinan Pengawas retensi', {
    capacity: 2,
    sessionDays: ['2027-09-20', '2027-09-21', '2027-09-22', '2027-09-23', '2027-09-24'],
    registrationOpens: '2027-01-04',
    registrationCloses: '2027-01-29',
  });
  ids.nomination = await approvedNomination(trainingId, NOMINEE);
  await postResponses('2027-01', 3, random, ip);

  at(T0 + 30 * DAY);
  expect((await decide(await linkFor(dinkesHead, ids.laterApproved), { decision: 'approve' })).status).toBe(200);
  await settled(ids.laterApproved, 'SUCCEEDED');
  finals.laterApproved = await finalAt(ids.laterApproved);
  await postResponses('2027-02', 2, random, ip);
});

afterAll(async () => {
  await cloud?.stop();
});

describe('retention settings', () => {
  it('reach the job from the stage’s context through the template', () => {
    const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('RetentionJob'))!;
    expect(fn.environment).toMatchObject({
      RETENTION_SURVEY_RESPONSES_DAYS: '400',
      RETENTION_SUBMISSIONS_DAYS: '200',
      RETENTION_AUDIT_DAYS: '300',
    });
  });
});

describe('with the clock moved past each retention', () => {
  it('keeps a closed submission until its retention has passed, then deletes it; open requests and seats stay', async () => {
    const approvedAt = finals.approved;
    expect(approvedAt).toBeGreaterThanOrEqual(T0);

    // An hour inside the retention of the first request: nothing goes.
    at(approvedAt + 200 * DAY - HOUR);
    expect((await runRetention()).submissions.deleted).toBe(0);
    expect(await submissionStatus(ids.approved)).toBe(200);
    expect(await submissionStatus(ids.withoutChain)).toBe(200);

    // An hour past it: the request approved at once and the submission filed without a chain are gone.
    at(approvedAt + 200 * DAY + HOUR);
    expect((await runRetention()).submissions.deleted).toBe(2);
    for (const id of [ids.approved, ids.withoutChain]) expect(await submissionStatus(id)).toBe(404);
    expect((await progressOf(ids.approved)).status).toBe(404);
    const listed = await ok(await call(dinkes, 'GET', '/submissions?limit=100'));
    const listedIds = (listed.items as { id: string }[]).map((s) => s.id);
    expect(listedIds).not.toContain(ids.approved);
    expect(listedIds).not.toContain(ids.withoutChain);
    // Its audit trail has its own, longer setting.
    expect(await auditEntries(ids.approved)).toBeGreaterThan(0);

    // Inside their retention: the request approved a month later; the open one, however old; the nomination decided
    // as long ago as the first request, whose seat is in a batch still to be held.
    expect((await progressOf(ids.laterApproved)).body).toMatchObject({ status: 'approved' });
    expect((await progressOf(ids.open)).body).toMatchObject({ status: 'submitted' });
    expect((await progressOf(ids.nomination)).body).toMatchObject({ status: 'approved' });
    expect((await participants()).map((p) => p.submissionId)).toEqual([ids.nomination]);
  });

  it('deletes the audit trail by its own setting, after its submission', async () => {
    const { approved: first, laterApproved: second } = finals;
    expect(second - first).toBeGreaterThanOrEqual(30 * DAY - HOUR);

    at(second + 200 * DAY + HOUR);
    expect((await runRetention()).submissions.deleted).toBe(1);
    expect(await submissionStatus(ids.laterApproved)).toBe(404);
    expect(await auditEntries(ids.laterApproved)).toBeGreaterThan(0);
    expect(await auditEntries(ids.approved)).toBeGreaterThan(0);

    at(first + 300 * DAY + HOUR);
    expect((await runRetention()).audit.deleted).toBe(1);
    expect(await auditEntries(ids.approved)).toBe(0);
    expect(await auditEntries(ids.laterApproved)).toBeGreaterThan(0);

    at(second + 300 * DAY + HOUR);
    expect((await runRetention()).audit.deleted).toBe(1);
    expect(await auditEntries(ids.laterApproved)).toBe(0);
  });

  it('deletes a WIB month of survey responses once its last day is past retention; the IKM report keeps its figures', async () => {
    // Reports and exports before anything is deleted.
    at(Date.parse('2028-03-06T16:00:00Z'));
    const reportJanuary = await reportOf('2027-01');
    const reportFebruary = await reportOf('2027-02');
    expect(reportJanuary).toMatchObject({ responses: 3, ikm: oracle(sent['2027-01']!.responses).ikm });
    expect(reportFebruary).toMatchObject({ responses: 2 });
    // An hour before January's last response is 400 days old (January ends 2027-02-01 00:00 WIB): all kept.
    expect((await runRetention()).surveyResponses.deleted).toBe(0);
    const january = await exportedResponses('2027-01');
    for (const id of sent['2027-01']!.ids) expect(january).toContain(id);
    expect(await suggestionIds()).toContain(sent['2027-01']!.ids[0]);

    at(Date.parse('2028-03-06T18:00:00Z'));
    const run = await runRetention();
    expect(run.surveyResponses).toMatchObject({ months: ['2027-01'], deleted: 3 });
    const gone = await exportedResponses('2027-01');
    for (const id of sent['2027-01']!.ids) expect(gone).not.toContain(id);
    expect(await suggestionIds()).not.toContain(sent['2027-01']!.ids[0]);
    // February is inside its retention.
    const february = await exportedResponses('2027-02');
    for (const id of sent['2027-02']!.ids) expect(february).toContain(id);
    // The index of January is computed from the aggregates, which stay: the same report, figure for figure.
    expect(await reportOf('2027-01')).toEqual(reportJanuary);

    at(Date.parse('2028-04-03T18:00:00Z'));
    expect((await runRetention()).surveyResponses).toMatchObject({ months: ['2027-02'], deleted: 2 });
    const februaryGone = await exportedResponses('2027-02');
    for (const id of sent['2027-02']!.ids) expect(februaryGone).not.toContain(id);
    expect(await reportOf('2027-02')).toEqual(reportFebruary);
  });

  it('keeps a nomination with a seat until its batch is over and the retention passed, then its seat and NIP go too', async () => {
    const exportByNip = () => call(admin, 'POST', '/directory/people/export', { nip: nipOf(810) });
    // Counted from the end of the batch, not from the decision (more than a year old now).
    at(BATCH_END + 200 * DAY - HOUR);
    expect((await runRetention()).submissions.deleted).toBe(0);
    expect(await submissionStatus(ids.nomination)).toBe(200);
    expect((await participants()).map((p) => p.submissionId)).toEqual([ids.nomination]);
    expect((await exportByNip()).status).toBe(200);

    at(BATCH_END + 200 * DAY + HOUR);
    expect((await runRetention()).submissions.deleted).toBe(1);
    expect(await submissionStatus(ids.nomination)).toBe(404);
    expect(await participants()).toEqual([]);
    expect((await ok(await call(admin, 'GET', `/trainings/${trainingId}/registrations`))).items).toEqual([]);
    // The NIP is found nowhere any more.
    expect((await exportByNip()).status).toBe(404);
    // The batch still says how many seats were taken.
    const batch = (await ok(await call(admin, 'GET', `/trainings/${trainingId}`))).batches[0];
    expect(batch).toMatchObject({ capacity: 2, seatsTaken: 1 });
  });

  it('never touched the open request: repaired at last, it goes on to approval', async () => {
    expect((await progressOf(ids.open)).body).toMatchObject({ status: 'submitted' });
    await reconcile();
    await cloud.sfn.idle();
    await linkFor(dinkesHead, ids.open);
    expect((await progressOf(ids.open)).body).toMatchObject({ status: 'in_approval' });
  });
});
