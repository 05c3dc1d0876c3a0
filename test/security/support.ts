import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoPeople, demoStaff } from '#shared/directory/demo-seed';
import { type HttpAnswer, sendFrom } from '#test/support/http';

/**
 * Test support for the security suites (test/security): the roles of the access matrix and their tokens, fixtures
 * created through the API, raw HTTP requests from chosen loopback addresses, and dumps of every table to prove a
 * refused request wrote nothing.
 */

/** Who calls, in the access matrix and the hostile-input suites. */
export const ROLES = ['anonymous', 'operatorA', 'operatorB', 'unitHead', 'admin', 'disabled'] as const;
export type Role = (typeof ROLES)[number];

/** Office A and office B of the matrix: the offices of the two demo operators. */
export const OFFICE_A = 'DINKES';
export const OFFICE_B = 'DISDIK';

const staffOf = (sub: string) => demoStaff.find((s) => s.sub === sub)!;
export const demo = {
  admin: staffOf('dev-admin'),
  operatorA: staffOf('dev-operator-dinkes'),
  operatorB: staffOf('dev-operator-disdik'),
  unitHead: staffOf('dev-unit-head'),
};

/** What the fixtures hold: ids of things created through the API before the suites run. */
export interface Fixtures {
  /** A published form anyone on staff may read and submit. */
  formId: string;
  /** A form left as a draft (only admins see it); the matrix publishes it. */
  draftFormId: string;
  /** A submission of office A (DINKES), by office A's operator. */
  submissionA: string;
  /** A person of the demo directory. */
  personId: string;
  /** A staff member the matrix disables, enables and regroups (an operator of office A). */
  targetSub: string;
  /** A staff member who was invited, then disabled: the `disabled` role. */
  disabledSub: string;
  /** An approval workflow (one stage: the mayor decides) and a published form it is attached to. */
  workflowId: string;
  workflowFormId: string;
  /** A published form with no workflow yet (the matrix attaches one). */
  attachFormId: string;
  /** A submission of office A in approval, and an unused decision link token of it. */
  approvalSubmissionA: string;
  approvalToken: string;
  /** Submits the workflow form as office A's operator and answers the new decision link's token. */
  newApprovalToken(): Promise<{ submissionId: string; token: string }>;
  /** Lets the state machines run what they can, so that background writes do not land mid-comparison. */
  settle(): Promise<void>;
  /** A draft training (one batch) with its registration form. */
  trainingId: string;
  /** Units made for the matrix, each changed by one route only. */
  units: { patch: string; archive: string; head: string };
  /** Default value of each path parameter, by name. */
  params: Record<string, string>;
  /** A read of the API as admin (to learn current versions), JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: fixtures read arbitrary JSON
  read(path: string): Promise<any>;
  /** A request as the role (for probes that need something made first); throws unless it answers `status`. */
  // biome-ignore lint/suspicious/noExplicitAny: fixtures read arbitrary JSON
  call(role: Role, probe: Probe, status: number): Promise<any>;
}

/** A request of a suite: path (with query), method, body (an object is sent as JSON), content type, headers. */
export interface Probe {
  method: string;
  path: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A whole answer read as text. */
export type Answer = HttpAnswer;

/** One booted cloud for a security suite, with its fixtures and helpers. */
export interface SecurityCloud {
  cloud: LocalCloud;
  fx: Fixtures;
  /** A fresh token for the role (fresh because suites move the clock), or none for `anonymous`. */
  tokenOf(role: Role): Promise<string | undefined>;
  /** Every bearer token and session cookie value sent so far (for the privacy checks on logs). */
  sentTokens: string[];
  /**
   * Sends the probe as the role, from a new loopback address each time (public POSTs are limited per address). A
   * staff role sends both a bearer token (API routes) and a session cookie (staff pages), as a signed-in browser
   * with an API client would; each route reads only its own.
   */
  send(role: Role, probe: Probe): Promise<Answer>;
  /** Every item of every table, keys sorted, as one string (rate-limit counters left out). */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

/** Sends an HTTP request from the given local address and reads the whole answer. */
export const sendRaw = (
  url: string,
  init: { method: string; body?: string | Buffer; headers?: Record<string, string>; from?: string },
): Promise<Answer> => sendFrom(init.from, url, init);

const sortedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * Every item of every table of the template, sorted, as text. Rate-limit counters (`RATE#...`) are left out: a
 * public POST counts against its client before anything else, refused or not, by design.
 */
export const dumpTables = async (cloud: LocalCloud): Promise<string> => {
  const out: string[] = [];
  for (const table of cloud.system.tables) {
    const items: string[] = [];
    let start: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page: ScanCommandOutput = await cloud.dynamodb.send(
        new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        if (item.PK?.S?.startsWith('RATE#')) continue;
        items.push(JSON.stringify(sortedKeys(item)));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    out.push(`# ${table.logicalId}`, ...items.sort());
  }
  return out.join('\n');
};

/** What changed between two dumps: a few items removed (`-`) and added (`+`), shortened. */
export const dumpChange = (before: string, after: string): string => {
  const was = new Set(before.split('\n'));
  const now = new Set(after.split('\n'));
  const removed = [...was].filter((line) => !now.has(line)).map((line) => `- ${line.slice(0, 240)}`);
  const added = [...now].filter((line) => !was.has(line)).map((line) => `+ ${line.slice(0, 240)}`);
  return [...removed.slice(0, 3), ...added.slice(0, 3)].join('\n');
};

let addressBlock = 0;

/** The JSON of an answer's text. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
export const jsonOf = (answer: Answer): any => JSON.parse(answer.text);

const fields = [
  { name: 'nama', label: 'Nama lengkap', type: 'text', required: true, minLength: 3 },
  { name: 'catatan', label: 'Catatan', type: 'longtext', required: false },
  { name: 'jumlah', label: 'Jumlah hari', type: 'number', required: false, min: 1, max: 5 },
];
/** The fields of the fixture forms. */
export const fixtureFormFields = fields;

/**
 * Boots the local cloud (its own DynamoDB database per `accessKeyId`), seeds the demo directory and creates the
 * fixtures through the API as an admin and office A's operator would.
 */
export const startSecurityCloud = async (accessKeyId: string): Promise<SecurityCloud> => {
  const cloud = await startLocalCloud({ accessKeyId, seed: true });
  const block = 200 + (addressBlock++ % 50);
  let next = 0;
  const nextAddress = () => {
    next++;
    return `127.${block}.${Math.floor(next / 250) % 250}.${(next % 250) + 1}`;
  };
  const subs: Record<Exclude<Role, 'anonymous'>, { sub: string; groups: string[] }> = {
    operatorA: demo.operatorA,
    operatorB: demo.operatorB,
    unitHead: demo.unitHead,
    admin: demo.admin,
    disabled: { sub: '', groups: ['operator'] },
  };
  const tokenOf = async (role: Role) =>
    role === 'anonymous' ? undefined : cloud.token({ sub: subs[role].sub, groups: subs[role].groups });
  // Session cookies are ID tokens for the staff pages' client (what managed login leaves in the browser).
  const webClient = cloud.system.functions.find((f) => f.environment.STAFF_WEB_CLIENT_ID)?.environment
    .STAFF_WEB_CLIENT_ID;
  const sessionOf = async (role: Role) =>
    role === 'anonymous' || !webClient
      ? undefined
      : cloud.token(
          { sub: subs[role].sub, groups: subs[role].groups },
          { tokenUse: 'id', overrides: { aud: webClient } },
        );
  const sentTokens: string[] = [];
  const send = async (role: Role, probe: Probe): Promise<Answer> => {
    const token = await tokenOf(role);
    const session = await sessionOf(role);
    if (token) sentTokens.push(token);
    if (session) sentTokens.push(session);
    const body =
      probe.body === undefined ? undefined : typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body);
    return sendRaw(`${cloud.url}${probe.path}`, {
      method: probe.method,
      from: nextAddress(),
      body,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(session ? { cookie: `__Host-abdi-session=${session}` } : {}),
        ...(body !== undefined ? { 'content-type': probe.contentType ?? 'application/json' } : {}),
        ...probe.headers,
      },
    });
  };
  const ok = async (role: Role, probe: Probe, status: number) => {
    const answer = await send(role, probe);
    expect(answer.status, `${probe.method} ${probe.path}: ${answer.text}`).toBe(status);
    return jsonOf(answer);
  };
  const read = (path: string) => ok('admin', { method: 'GET', path }, 200);

  const form = await ok(
    'admin',
    { method: 'POST', path: '/forms', body: { title: 'Formulir uji akses', fields } },
    201,
  );
  await ok(
    'admin',
    {
      method: 'POST',
      path: `/forms/${form.id}/status`,
      body: { action: 'publish', version: 1, expectedVersion: form.version },
    },
    200,
  );
  const draft = await ok('admin', { method: 'POST', path: '/forms', body: { title: 'Formulir draf', fields } }, 201);
  const submission = await ok(
    'operatorA',
    { method: 'POST', path: `/forms/${form.id}/submissions`, body: { values: { nama: 'Siti Aminah', jumlah: 2 } } },
    201,
  );
  const invite = async (email: string, name: string) =>
    (
      await ok(
        'admin',
        { method: 'POST', path: '/staff', body: { email, name, officeCode: OFFICE_A, groups: ['operator'] } },
        201,
      )
    ).member.sub as string;
  const targetSub = await invite('target@dinkes.palembang.local', 'Staf Sasaran Uji');
  const disabledSub = await invite('nonaktif@dinkes.palembang.local', 'Staf Nonaktif Uji');
  await ok('admin', { method: 'POST', path: `/staff/${disabledSub}/disable` }, 200);
  subs.disabled = { sub: disabledSub, groups: ['operator'] };
  // Settled: the state machines are idle, no function ran for a moment, and every running execution waits on a
  // task token. An execution with no open task is moving, even when the emulator calls it idle: a Retry pause or a
  // Wait runs on the (real-time) virtual clock, and work follows it.
  let settledAt = '';
  const activity = () => {
    const stats = Object.values(cloud.lambda.stats());
    const busy = stats.reduce((n, s) => n + s.busy + s.queued, 0);
    return `${cloud.sfn.callLog().length}/${stats.reduce((n, s) => n + s.invocations, 0)}/${busy}`;
  };
  const moving = async () => {
    const waiting = new Set(cloud.sfn.openTasks().map((task) => task.executionArn));
    for (const machine of cloud.system.stateMachines) {
      const { executions = [] } = await cloud.sfn.listExecutions({ stateMachineArn: machine.arn, maxResults: 1000 });
      if (executions.some((e) => e.status === 'RUNNING' && !waiting.has(e.executionArn!))) return true;
    }
    return false;
  };
  const settle = async () => {
    await cloud.sfn.idle();
    if (activity() === settledAt) return;
    for (let i = 0; i < 1_000; i++) {
      const before = activity();
      await new Promise((resolve) => setTimeout(resolve, 15));
      await cloud.sfn.idle();
      const after = activity();
      if (after === before && after.endsWith('/0') && !(await moving())) break;
    }
    settledAt = activity();
  };
  const mayor = demoPeople[0]!;
  const workflowDefinition = {
    name: 'Alur uji akses',
    stages: [
      {
        name: 'Wali kota',
        approvers: [{ kind: 'person', personId: mayor.id }],
        rule: { kind: 'all' },
        deadlineAfterDays: 5,
        onDeadline: { kind: 'auto-reject' },
      },
    ],
  };
  const workflow = await ok('admin', { method: 'POST', path: '/workflows', body: workflowDefinition }, 201);
  const publishedForm = async (title: string) => {
    const created = await ok('admin', { method: 'POST', path: '/forms', body: { title, fields } }, 201);
    return ok(
      'admin',
      {
        method: 'POST',
        path: `/forms/${created.id}/status`,
        body: { action: 'publish', version: 1, expectedVersion: created.version },
      },
      200,
    );
  };
  const workflowForm = await publishedForm('Formulir beralur');
  await ok(
    'admin',
    {
      method: 'PUT',
      path: `/forms/${workflowForm.id}/workflow`,
      body: { workflowId: workflow.id, expectedVersion: workflowForm.version },
    },
    200,
  );
  const attachForm = await publishedForm('Formulir tanpa alur');
  const newApprovalToken = async () => {
    const submitted = await ok(
      'operatorA',
      { method: 'POST', path: `/forms/${workflowForm.id}/submissions`, body: { values: { nama: 'Pemohon Beralur' } } },
      201,
    );
    for (let attempt = 0; attempt < 100; attempt++) {
      await settle();
      const link = (await cloud.outbox())
        .filter((m) => m.to.includes(mayor.email) && m.text?.includes(submitted.id))
        .flatMap((m) => m.links)
        .find((l) => l.includes('/approvals/'));
      if (link) return { submissionId: submitted.id as string, token: link.split('/approvals/')[1]! };
    }
    throw new Error(`no decision link mailed for ${submitted.id}`);
  };
  const approval = await newApprovalToken();

  const training = await ok(
    'admin',
    {
      method: 'POST',
      path: '/trainings',
      body: {
        title: 'Pelatihan uji akses',
        eligibility: { sectors: ['kesehatan'], levels: ['pengawas'], officeTypes: ['dinas'] },
        batches: [
          {
            name: 'Angkatan I',
            capacity: 10,
            sessionDays: ['2027-03-01'],
            venue: 'Aula BKPSDM',
            registrationOpens: '2026-01-01',
            registrationCloses: '2027-02-01',
          },
        ],
      },
    },
    201,
  );

  const units = { patch: 'SEC-PATCH', archive: 'SEC-ARCHIVE', head: 'SEC-HEAD' };
  for (const code of Object.values(units)) {
    await ok(
      'admin',
      {
        method: 'POST',
        path: '/directory/units',
        body: { code, name: `Unit uji ${code}`, type: 'uptd', parentCode: OFFICE_A },
      },
      201,
    );
  }
  const fx: Fixtures = {
    formId: form.id,
    draftFormId: draft.id,
    submissionA: submission.id,
    personId: demoPeople[0]!.id,
    targetSub,
    disabledSub,
    workflowId: workflow.id,
    workflowFormId: workflowForm.id,
    attachFormId: attachForm.id,
    approvalSubmissionA: approval.submissionId,
    approvalToken: approval.token,
    newApprovalToken,
    settle,
    trainingId: training.id,
    units,
    params: {
      trainingId: training.id,
      batch: '1',
      workflowId: workflow.id,
      token: approval.token,
      formId: form.id,
      submissionId: submission.id,
      code: OFFICE_A,
      id: demoPeople[0]!.id,
      sub: targetSub,
      unitCode: OFFICE_A,
      period: '2026',
    },
    read,
    call: ok,
  };
  return { cloud, fx, tokenOf, sentTokens, send, dump: () => dumpTables(cloud), stop: () => cloud.stop() };
};

/** The route's path with each `{param}` replaced by the fixtures' value for it. */
export const fillPath = (path: string, params: Record<string, string>): string =>
  path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no fixture value for path parameter {${name}} of ${path}`);
    return encodeURIComponent(value);
  });
