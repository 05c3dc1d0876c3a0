import { expect } from 'vitest';
import type { LocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { json, sendFrom } from './http.ts';

export type Staff = (typeof demoStaff)[number];

const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const dinkes = demoStaff.find((s) => s.officeCode === 'DINKES')!;
const person = (name: string) => demoPeople.find((p) => p.name === name)!;
/** Plt. head of DINKES: decides DINKES's requests at the head-of-office stage. */
const dinkesHead = person('Ratna Sari');
/** Head of BKPSDM: decides nominations after the nominating office's head. */
const bkpsdmHead = person('Hendra Gunawan');

/** The fields of {@link approvalHelpers}' one-stage forms: an activity and its number of days. */
const activityFields = [
  { name: 'kegiatan', label: 'Nama kegiatan', type: 'text', required: true, minLength: 3 },
  { name: 'hari', label: 'Jumlah hari', type: 'number', required: true, min: 1, max: 30 },
];

/** A valid PNS NIP: born 1980-01-01 + `n` days, in service from January 2005, sequence `n`. */
export const nipOf = (n: number) => {
  const born = new Date(Date.UTC(1980, 0, 1 + n));
  const ymd = born.toISOString().slice(0, 10).replaceAll('-', '');
  return `${ymd}200501${1 + (n % 2)}${String((n % 999) + 1).padStart(3, '0')}`;
};

/** The registration values of nominee `n` (a health supervisor of DINKES), named after the suite (`label`). */
export const nominee = (n: number, label = 'Gangguan') => ({
  nip: nipOf(n),
  nama: `Peserta ${label} ${n}`,
  jabatan: 'Kepala Seksi Pelayanan Kesehatan',
  jenjang: 'pengawas',
  sektor: 'kesehatan',
  email: `${label.toLowerCase()}${n}@dinkes.palembang.local`,
  telepon: '081234567890',
  alasan: 'Memperkuat pelayanan dasar.',
  angkatan: '1',
});

/** One batch of a training, as `POST /trainings` takes it (dates are WIB). */
export interface BatchDates {
  capacity: number;
  sessionDays: string[];
  registrationOpens: string;
  registrationCloses: string;
}

/** Helpers for tests that drive requests through the approval engine of a local cloud. */
export const approvalHelpers = (cloud: () => LocalCloud) => {
  const call = async (who: Staff, method: string, path: string, body?: unknown, key?: string) =>
    fetch(`${cloud().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await cloud().token({ sub: who.sub, groups: who.groups })}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const ok = async (response: Response, status = 200) => {
    expect(response.status, await response.clone().text()).toBe(status);
    return json(response);
  };

  /** Mail to one address mentioning `text` (a submission id), in the order sent. */
  const mailTo = async (email: string, text: string) =>
    (await cloud().outbox()).filter((m) => m.to.includes(email) && m.text?.includes(text));

  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

  /** The decision link of the newest mail to `email` about the submission (waiting for the machine to mail it). */
  const linkFor = async (email: string, submissionId: string) => {
    // Generous: test files run side by side, and a loaded machine slows the machine's steps down.
    for (let attempt = 0; attempt < 750; attempt++) {
      const link = (await mailTo(email, submissionId))
        .flatMap((m) => m.links)
        .filter((l) => l.includes('/approvals/'))
        .at(-1);
      if (link) return link;
      await cloud().sfn.idle();
      await pause();
    }
    throw new Error(`no link mailed to ${email}`);
  };

  /**
   * POSTs the decision form as a browser would (urlencoded), from `source` (a loopback address: decisions are
   * rate-limited per client address), then lets the machine move.
   */
  const decide = async (link: string, form: Record<string, string>, source = '127.0.0.1') => {
    const answer = await sendFrom(source, link, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 test' },
    });
    await cloud().sfn.idle();
    return answer;
  };

  const executionOf = (id: string) =>
    cloud()
      .sfn.listExecutions({ stateMachineArn: cloud().system.stateMachines[0]!.arn })
      .then((page) => page.executions?.find((e) => e.name === id)?.status);

  /** Waits (real time, a few seconds at most) until a submission's execution reaches `status`. */
  const settled = async (id: string, status: string) => {
    for (let i = 0; i < 1500; i++) {
      await cloud().sfn.idle();
      if ((await executionOf(id)) === status) return;
      await pause();
    }
    throw new Error(`execution ${id} did not reach ${status}`);
  };

  /** A published form with a workflow attached, both created through the admin API. */
  const formWithWorkflow = async (workflowBody: Record<string, unknown>, formBody: Record<string, unknown>) => {
    const workflow = await ok(await call(admin, 'POST', '/workflows', workflowBody), 201);
    const form = await ok(await call(admin, 'POST', '/forms', formBody), 201);
    const published = await ok(
      await call(admin, 'POST', `/forms/${form.id}/status`, {
        action: 'publish',
        version: 1,
        expectedVersion: form.version,
      }),
    );
    await ok(
      await call(admin, 'PUT', `/forms/${form.id}/workflow`, {
        workflowId: workflow.id,
        expectedVersion: published.version,
      }),
    );
    return { form, workflow };
  };

  /**
   * A published form (`kegiatan`, `hari`) named `name`, whose one-stage workflow the head of the submitting office
   * decides; unanswered, it is rejected after `deadlineAfterDays` working days.
   */
  const oneStageForm = async (name: string, deadlineAfterDays = 5): Promise<string> => {
    const { form } = await formWithWorkflow(
      {
        name: `Alur ${name}`,
        stages: [
          {
            name: 'Kepala kantor',
            approvers: [{ kind: 'head-of-submitting-office' }],
            rule: { kind: 'all' },
            deadlineAfterDays,
            onDeadline: { kind: 'auto-reject' },
          },
        ],
      },
      { title: `Izin ${name}`, fields: activityFields },
    );
    return form.id as string;
  };

  /** A published training of one batch, for supervisors of health and education offices (`dinas`). */
  const publishedTraining = async (title: string, batch: BatchDates): Promise<string> => {
    const created = await ok(
      await call(admin, 'POST', '/trainings', {
        title,
        eligibility: { sectors: ['kesehatan', 'pendidikan'], levels: ['pengawas'], officeTypes: ['dinas'] },
        batches: [{ name: 'Angkatan I', venue: 'Aula BKPSDM', ...batch }],
      }),
      201,
    );
    await ok(await call(admin, 'POST', `/trainings/${created.id}/status`, { status: 'published' }));
    return created.id as string;
  };

  /**
   * Nominates `values` for a training as `who`, approved by the office's head then BKPSDM's, the execution done.
   * Answers the submission id.
   */
  const approvedNomination = async (
    trainingId: string,
    values: Record<string, unknown>,
    who: Staff = dinkes,
    head: { email: string } = dinkesHead,
  ): Promise<string> => {
    const submission = await ok(await call(who, 'POST', `/forms/${trainingId}/submissions`, { values }), 201);
    expect((await decide(await linkFor(head.email, submission.id), { decision: 'approve' })).status).toBe(200);
    expect((await decide(await linkFor(bkpsdmHead.email, submission.id), { decision: 'approve' })).status).toBe(200);
    await settled(submission.id, 'SUCCEEDED');
    return submission.id as string;
  };

  return {
    call,
    ok,
    mailTo,
    linkFor,
    decide,
    executionOf,
    settled,
    formWithWorkflow,
    oneStageForm,
    publishedTraining,
    approvedNomination,
  };
};

/** A loopback address per number (Linux routes all of 127/8 to the loopback interface). */
export const loopback = (n: number): string =>
  `127.${1 + (Math.floor(n / 62_500) % 250)}.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
