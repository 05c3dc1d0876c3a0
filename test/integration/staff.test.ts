import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { startLocalCognitoIdp } from '#infra/local/cognito-idp';
import type { FunctionSpec } from '#infra/local/types';
import { deliver, getMail, type MailDeps, outboxItem } from '#shared/mail/outbox';
import { json } from '#test/support/http';

// The deployment with its SES sender verified: the user pool sends invitations through SES, with the sign-in link.
const SENDER = 'BKPSDM Kota Palembang <abdi@palembang.go.id>';
const context = { mailDomain: 'palembang.go.id', mailFrom: SENDER, sesVerified: true };

let cloud: LocalCloud;
let adminToken: string;
let operatorToken: string;
let poolId: string;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'stafftest', seed: true, context });
  adminToken = await cloud.token({ sub: 'dev-admin', groups: ['admin'] });
  operatorToken = await cloud.token({ sub: 'dev-operator-dinkes', groups: ['operator'] });
  poolId = cloud.system.userPools[0]!.id;
  cognito = new CognitoIdentityProviderClient({
    region: cloud.env.AWS_REGION,
    endpoint: cloud.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    credentials: { accessKeyId: 'stafftest', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  cognito?.destroy();
  await cloud?.stop();
});

afterEach(() => {
  cloud.faults.ses.failureRate = 0;
});

/** A call to the API as the given caller (admin by default). */
const call = (
  method: string,
  path: string,
  body?: unknown,
  options: { token?: string; idempotencyKey?: string } = {},
) =>
  fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token ?? adminToken}`,
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const mailTo = async (address: string) => (await cloud.outbox()).filter((mail) => mail.to.includes(address));

/** Signs in through the local stand-in for managed login, as a browser would post the form. */
const signIn = (sub: string) => {
  const form = new URLSearchParams({
    // The web client: the only one with a registered callback (the API client has no OAuth flows).
    client_id: cloud.system.userPools[0]!.clients.find((c) => c.callbackUrls.length > 0)!.id,
    redirect_uri: `${cloud.url}/auth/callback`,
    state: 'state',
    sub,
  });
  return fetch(`${cloud.url}/_local/cognito-login/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
};

let invitations = 0;
/** A new invitation with an email unique to this run. */
const invitation = (overrides: Record<string, unknown> = {}) => {
  invitations += 1;
  return {
    email: `Staf.Baru${invitations}@DinSos.Palembang.go.id`,
    name: `Staf Baru ${invitations}`,
    officeCode: 'dinsos',
    groups: ['operator'],
    ...overrides,
  };
};

describe('inviting staff', () => {
  it('invites an operator: the invitation email, the directory entry and the pool user in the group', async () => {
    const input = invitation();
    const email = input.email.toLowerCase();

    const response = await call('POST', '/staff', input, { idempotencyKey: crypto.randomUUID() });

    expect(response.status).toBe(201);
    const { member, invitationSent } = await json(response);
    expect(invitationSent).toBe(true);
    expect(member).toMatchObject({
      email,
      name: input.name,
      officeCode: 'DINSOS',
      groups: ['operator'],
      status: 'active',
    });
    const [mail, ...more] = await mailTo(email);
    expect(more).toHaveLength(0);
    expect(mail?.from).toBe(SENDER);
    expect(mail?.subject).toBe('Undangan akun staf abdi');
    expect(mail?.links).toContain(`${cloud.url}/auth/login`);
    expect(mail?.html).toMatch(/<strong>[A-Za-z0-9]{12,}<\/strong>/);
    const user = cloud.cognitoIdp.user(email, poolId);
    expect(user).toMatchObject({ sub: member.sub, groups: ['operator'], enabled: true });
    expect(user?.status).toBe('FORCE_CHANGE_PASSWORD');
    const listed = await json(await call('GET', '/staff?officeCode=DINSOS'));
    expect(listed.staff.map((s: { sub: string }) => s.sub)).toContain(member.sub);
  });

  it('answers a retry with the same Idempotency-Key as the first time and creates nothing new', async () => {
    const input = invitation();
    const key = crypto.randomUUID();
    const first = await call('POST', '/staff', input, { idempotencyKey: key });
    expect(first.status).toBe(201);
    const created = cloud.cognitoIdp.calls().AdminCreateUser;

    const retry = await call('POST', '/staff', input, { idempotencyKey: key });

    expect(retry.status).toBe(201);
    expect(await json(retry)).toEqual(await json(first));
    expect(cloud.cognitoIdp.calls().AdminCreateUser).toBe(created);
    const email = input.email.toLowerCase();
    expect(cloud.cognitoIdp.users(poolId).filter((u) => u.attributes.email === email)).toHaveLength(1);
    expect(await mailTo(email)).toHaveLength(1);
  });

  it('completes an invitation whose pool user exists without a directory entry, reusing the user', async () => {
    // As left by an attempt that created the user (and sent the email) but failed before the directory write.
    const input = invitation({ groups: ['unit-head', 'operator'] });
    const email = input.email.toLowerCase();
    const { User } = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    const sub = User?.Attributes?.find((a) => a.Name === 'sub')?.Value;

    const response = await call('POST', '/staff', input, { idempotencyKey: crypto.randomUUID() });

    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.invitationSent).toBe(false);
    expect(body.member).toMatchObject({ sub, email, groups: ['unit-head', 'operator'] });
    expect(cloud.cognitoIdp.users(poolId).filter((u) => u.attributes.email === email)).toHaveLength(1);
    expect(cloud.cognitoIdp.user(sub!, poolId)?.groups.sort()).toEqual(['operator', 'unit-head']);
    expect(await mailTo(email)).toHaveLength(0);
  });

  it('refuses with 409 an email of a staff member with other data, and leaves their groups alone', async () => {
    const response = await call(
      'POST',
      '/staff',
      invitation({
        email: 'operator@dinkes.palembang.local',
        name: 'Siti Aminah',
        officeCode: 'DINKES',
        groups: ['admin'],
      }),
      { idempotencyKey: crypto.randomUUID() },
    );

    expect(response.status).toBe(409);
    expect((await json(response)).detail).toContain('sudah terdaftar sebagai staf');
    expect(cloud.cognitoIdp.user('dev-operator-dinkes', poolId)?.groups).toEqual(['operator']);
  });

  it('refuses an office that is not an active unit with 422 naming the field, and creates no user', async () => {
    const input = invitation({ officeCode: 'KANTOR-FIKTIF' });

    const response = await call('POST', '/staff', input, { idempotencyKey: crypto.randomUUID() });

    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([
      { field: 'officeCode', message: 'Unit KANTOR-FIKTIF tidak ditemukan' },
    ]);
    expect(cloud.cognitoIdp.user(input.email.toLowerCase(), poolId)).toBeUndefined();
  });

  it('refuses unknown groups with 422', async () => {
    const response = await call('POST', '/staff', invitation({ groups: ['superuser'] }));
    expect(response.status).toBe(422);
    expect((await json(response)).errors[0].field).toBe('groups.0');
  });
});

describe('who may administer staff and mail', () => {
  it('refuses an operator on every staff and mail route with 403', async () => {
    const routes: [string, string, unknown?][] = [
      ['POST', '/staff', invitation()],
      ['GET', '/staff'],
      ['POST', '/staff/dev-operator-disdik/disable'],
      ['POST', '/staff/dev-operator-disdik/enable'],
      ['PUT', '/staff/dev-operator-disdik/groups', { groups: ['admin'] }],
      ['GET', '/mail?status=failed'],
      ['POST', '/mail/01KDVDNA00M8EQSY3JERTFD0MW/resend'],
    ];
    for (const [method, path, body] of routes) {
      const response = await call(method, path, body, { token: operatorToken });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    expect(cloud.cognitoIdp.user('dev-operator-disdik', poolId)).toMatchObject({ enabled: true, groups: ['operator'] });
  });
});

describe('listing staff', () => {
  it('lists the staff of one office, and all staff by name a page at a time', async () => {
    const dinkes = await json(await call('GET', '/staff?officeCode=DINKES'));
    expect(dinkes.staff.map((s: { sub: string }) => s.sub)).toEqual(['dev-operator-dinkes']);

    const first = await json(await call('GET', '/staff?limit=2'));
    const second = await json(await call('GET', `/staff?limit=2&cursor=${first.next}`));

    expect(first.staff).toHaveLength(2);
    const names = [...first.staff, ...second.staff].map((s: { name: string }) => s.name.toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses a cursor of another listing with 422', async () => {
    const first = await json(await call('GET', '/staff?limit=1'));
    const response = await call('GET', `/staff?officeCode=DINKES&cursor=${first.next}`);
    expect(response.status).toBe(422);
  });
});

describe('disabling and enabling staff', () => {
  it('refuses a disabled member’s still-valid token at once and the local login; enabling restores both', async () => {
    const sub = 'dev-operator-disdik';
    const token = await cloud.token({ sub, groups: ['operator'] }, { expiresInSeconds: 8 * 3600 });
    const me = () => fetch(`${cloud.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await me()).status).toBe(200);

    const disabled = await call('POST', `/staff/${sub}/disable`);

    expect(disabled.status).toBe(200);
    expect(await json(disabled)).toMatchObject({ sub, status: 'disabled' });
    const refused = await me();
    expect(refused.status).toBe(403);
    expect((await json(refused)).type).toBe('https://abdi.dev/problems/staff-disabled');
    expect(cloud.cognitoIdp.user(sub, poolId)?.enabled).toBe(false);
    const login = await signIn(sub);
    expect(login.status).not.toBe(302);
    expect(login.headers.get('location')).toBeNull();

    const enabled = await call('POST', `/staff/${sub}/enable`);

    expect(enabled.status).toBe(200);
    expect(await json(enabled)).toMatchObject({ sub, status: 'active' });
    expect((await me()).status).toBe(200);
    expect(cloud.cognitoIdp.user(sub, poolId)?.enabled).toBe(true);
    const again = await signIn(sub);
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('has the local login refuse a user the pool disabled, though the directory lists them', async () => {
    const sub = 'dev-unit-head';
    await cognito.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: sub }));
    try {
      const login = await signIn(sub);
      expect(login.status).toBe(403);
      expect(await login.text()).toContain('dinonaktifkan');
    } finally {
      await cognito.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: sub }));
    }
    expect((await signIn(sub)).status).toBe(302);
  });

  it('answers 404 for an unknown member and 409 to an admin disabling themselves', async () => {
    expect((await call('POST', '/staff/no-such-sub/disable')).status).toBe(404);
    const self = await call('POST', '/staff/dev-admin/disable');
    expect(self.status).toBe(409);
    expect(cloud.cognitoIdp.user('dev-admin', poolId)?.enabled).toBe(true);
  });
});

describe('changing groups', () => {
  it('sets the groups in the pool and the directory, replacing the old ones', async () => {
    const response = await call('PUT', '/staff/dev-unit-head/groups', { groups: ['operator', 'unit-head'] });

    expect(response.status).toBe(200);
    expect((await json(response)).groups).toEqual(['operator', 'unit-head']);
    expect(cloud.cognitoIdp.user('dev-unit-head', poolId)?.groups.sort()).toEqual(['operator', 'unit-head']);

    const back = await call('PUT', '/staff/dev-unit-head/groups', { groups: ['unit-head'] });

    expect((await json(back)).groups).toEqual(['unit-head']);
    expect(cloud.cognitoIdp.user('dev-unit-head', poolId)?.groups).toEqual(['unit-head']);
  });

  it('refuses with 409 an admin taking the admin group from themselves', async () => {
    const response = await call('PUT', '/staff/dev-admin/groups', { groups: ['operator'] });
    expect(response.status).toBe(409);
    expect(cloud.cognitoIdp.user('dev-admin', poolId)?.groups).toEqual(['admin']);
  });
});

describe('failed mail', () => {
  let resendFn: FunctionSpec;
  let deps: MailDeps;

  beforeAll(() => {
    resendFn = cloud.system.functions.find((f) => f.logicalId.startsWith('MailApi'))!;
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
    // One attempt per send: the SDK's own retries only slow the failing sends down.
    const ses = new SESv2Client({
      region: cloud.env.AWS_REGION,
      endpoint: cloud.env.AWS_ENDPOINT_URL_SESV2,
      credentials: { accessKeyId: 'stafftest', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    deps = {
      db: DynamoDBDocumentClient.from(cloud.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      table,
      sendEmail: (input, { timeoutMs }) =>
        ses.send(new SendEmailCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) }),
      from: resendFn.environment.MAIL_FROM!,
      configurationSet: resendFn.environment.SES_CONFIGURATION_SET!,
      now: () => new Date(cloud.clock.now()),
      log: { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as MailDeps['log'],
    };
  });

  /** A mail committed to the outbox that fails every attempt while SES is down, until it is `failed`. */
  const failedMail = async () => {
    const subject = `Pemberitahuan ${crypto.randomUUID()}`;
    const entry = outboxItem(
      {
        to: ['kepala@dinsos.palembang.go.id'],
        template: 'notice',
        data: { subject, paragraphs: ['Permohonan Anda sedang diproses.'], officeName: 'BKPSDM Kota Palembang' },
      },
      new Date(cloud.clock.now()),
      { table: deps.table, publicBaseUrl: resendFn.environment.PUBLIC_BASE_URL },
    );
    await deps.db.send(new TransactWriteCommand({ TransactItems: [entry] }));
    const id = entry.Put.Item.id;
    cloud.faults.ses.failureRate = 1;
    for (let attempt = 0; attempt < 10 && (await getMail(deps, id))?.status !== 'failed'; attempt++) {
      await deliver((await getMail(deps, id))!, deps);
    }
    cloud.faults.ses.failureRate = 0;
    expect((await getMail(deps, id))?.status).toBe('failed');
    return { id, subject };
  };

  it('lists a failed mail and resends it: it is then sent, once', async () => {
    const { id, subject } = await failedMail();

    const listed = await json(await call('GET', '/mail?status=failed'));
    expect(listed.mail.find((m: { id: string }) => m.id === id)).toMatchObject({
      status: 'failed',
      subject,
      attempts: 8,
      lastError: expect.stringContaining('InternalFailure'),
    });
    expect(await cloud.outbox().then((all) => all.filter((m) => m.subject === subject))).toHaveLength(0);

    const resent = await call('POST', `/mail/${id}/resend`);

    expect(resent.status).toBe(200);
    expect(await json(resent)).toEqual({ id, outcome: 'sent' });
    expect(await cloud.outbox().then((all) => all.filter((m) => m.subject === subject))).toHaveLength(1);
    const sent = await json(await call('GET', '/mail?status=sent'));
    expect(sent.mail.map((m: { id: string }) => m.id)).toContain(id);

    const again = await call('POST', `/mail/${id}/resend`);

    expect(again.status).toBe(409);
    expect((await json(again)).detail).toContain('berstatus sent');
    expect(await cloud.outbox().then((all) => all.filter((m) => m.subject === subject))).toHaveLength(1);
  });

  it('answers 404 for an unknown mail and 422 for an unknown status', async () => {
    const missing = await call('POST', '/mail/01KDVDNA00M8EQSY3JERTFD0MW/resend');
    expect(missing.status).toBe(404);
    expect((await json(missing)).detail).toBe('Surat tidak ditemukan');
    expect((await call('GET', '/mail?status=lost')).status).toBe(422);
  });
});

describe('the local Cognito admin API', () => {
  const nameOfError = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (error: Error) => error.name,
    );

  it('answers the unchanged SDK client with the errors Cognito answers', async () => {
    const unknownUser = nameOfError(
      cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'nobody@palembang.go.id' })),
    );
    const unknownPool = nameOfError(
      cognito.send(new AdminGetUserCommand({ UserPoolId: 'ap-southeast-3_Nope', Username: 'dev-admin' })),
    );
    const unknownGroup = nameOfError(
      cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'dev-admin', GroupName: 'root' })),
    );
    const takenEmail = nameOfError(
      cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'admin@bkpsdm.palembang.local',
          MessageAction: 'SUPPRESS',
        }),
      ),
    );
    const notAnEmail = nameOfError(
      cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'not-an-email' })),
    );

    expect(await unknownUser).toBe('UserNotFoundException');
    expect(await unknownPool).toBe('ResourceNotFoundException');
    expect(await unknownGroup).toBe('ResourceNotFoundException');
    expect(await takenEmail).toBe('UsernameExistsException');
    expect(await notAnEmail).toBe('InvalidParameterException');
  });

  it('keeps its users in the data folder across restarts', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'abdi-cognito-'));
    const start = () =>
      startLocalCognitoIdp({
        pools: cloud.system.userPools,
        ses: {
          endpoint: cloud.env.AWS_ENDPOINT_URL_SESV2!,
          region: cloud.env.AWS_REGION!,
          credentials: { accessKeyId: 'stafftest', secretAccessKey: 'local' },
        },
        now: () => cloud.clock.now(),
        file: path.join(dataDir, 'cognito-users.json'),
      });
    try {
      const first = await start();
      first.seedUser(poolId, { sub: 'kept-1', email: 'kept@palembang.go.id', name: 'Tetap Ada', groups: ['operator'] });
      await first.stop();

      const second = await start();
      try {
        expect(second.user('kept@palembang.go.id', poolId)).toMatchObject({ sub: 'kept-1', groups: ['operator'] });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
