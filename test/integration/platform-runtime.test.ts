import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { projectRoot } from '#infra/local/synth';
import { json } from '#test/support/http';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ app: 'test/fixtures/platform-app/app.ts', accessKeyId: 'platformruntime' });
});

afterAll(async () => {
  await cloud?.stop();
});

/** Sends exactly these bytes and returns the raw answer (status, headers, body). */
const rawRequest = (url: string, text: string): Promise<{ status: number; headers: string[]; body: string }> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('end', () => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...headers] = head.split('\r\n');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.on('error', reject);
  });

describe('HTTP API events (payload format 2.0)', () => {
  for (const name of ['json-post', 'form-post', 'get-cookies-query']) {
    it(`hands the function the event API Gateway would build for ${name}`, async () => {
      const golden = JSON.parse(readFileSync(path.join(projectRoot, 'test/fixtures/events', `${name}.json`), 'utf8'));
      const host = new URL(cloud.url).host;
      const text = (golden.request as string[]).join('\r\n').replaceAll('{host}', host);
      const answer = await rawRequest(cloud.url, text);
      expect(answer.status).toBe(200);
      const received = JSON.parse(answer.body).event;

      // The volatile fields must have API Gateway's form; then they are compared as placeholders.
      expect(received.requestContext.requestId).toMatch(/^[A-Za-z0-9=]{16}$/);
      expect(received.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      expect(received.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      received.requestContext.requestId = '{requestId}';
      received.requestContext.time = '{time}';
      received.requestContext.timeEpoch = '{timeEpoch}';
      received.headers['x-amzn-trace-id'] = '{traceId}';
      const expected = JSON.parse(JSON.stringify(golden.event).replaceAll('{host}', host));
      expect(received).toEqual(expected);
    });
  }

  it('returns each cookie of the answer as its own Set-Cookie header', async () => {
    const answer = await rawRequest(
      cloud.url,
      `GET /echo/1 HTTP/1.1\r\nHost: ${new URL(cloud.url).host}\r\nConnection: close\r\n\r\n`,
    );
    const setCookies = answer.headers.filter((h) => h.toLowerCase().startsWith('set-cookie:'));
    expect(setCookies).toEqual(['set-cookie: seen=1; Path=/; HttpOnly', 'set-cookie: other=2; Path=/']);
  });

  it('answers a result without statusCode as a 200 JSON body', async () => {
    const response = await fetch(`${cloud.url}/env/a`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await json(response)).toMatchObject({ greeting: 'from A' });
  });

  it('answers an unknown route with API Gateway’s 404', async () => {
    const response = await fetch(`${cloud.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ message: 'Not Found' });
  });

  it('fails a body between 6 and 10 MB as Lambda does, after the gateway let it through', async () => {
    const before = cloud.logs.length;
    const response = await fetch(`${cloud.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x'.repeat(7 * 1024 * 1024) }),
    });
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ message: 'Internal Server Error' });
    expect(cloud.logs.length).toBe(before);
  });

  it('refuses a body over 10 MB with 413 without invoking the function', async () => {
    const before = cloud.logs.length;
    const response = await fetch(`${cloud.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
    });
    expect(response.status).toBe(413);
    expect(cloud.logs.length).toBe(before);
  });
});

describe('JWT authorizer', () => {
  const staff = { sub: 'user-1', username: 'siti', groups: ['admin', 'operator'] };
  const call = (token?: string) =>
    fetch(`${cloud.url}/secure/echo`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('passes a valid token’s claims through as API Gateway does, groups as "[admin operator]"', async () => {
    const response = await call(await cloud.token(staff));
    expect(response.status).toBe(200);
    const claims = (await json(response)).event.requestContext.authorizer.jwt.claims;
    expect(claims.sub).toBe('user-1');
    expect(claims['cognito:groups']).toBe('[admin operator]');
    expect(claims.username).toBe('siti');
    expect(claims.client_id).toBe(cloud.issuer.clientId);
    expect(typeof claims.exp).toBe('string');
  });

  it('rejects a request without a token with 401', async () => {
    const response = await call();
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ message: 'Unauthorized' });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string>][] = [
    ['a foreign issuer', () => cloud.token(staff, { overrides: { iss: 'https://evil.example.com/pool' } })],
    ['a foreign audience', () => cloud.token(staff, { overrides: { client_id: 'someone-else' } })],
    ['an id token for another client', () => cloud.token(staff, { tokenUse: 'id', overrides: { aud: 'other' } })],
    ['an expired token', () => cloud.token(staff, { overrides: { exp: now() - 60 } })],
    ['a token not valid before a future time', () => cloud.token(staff, { overrides: { nbf: now() + 600 } })],
    [
      'a token with a forged signature',
      async () => {
        const [header, payload] = (await cloud.token(staff)).split('.');
        const forged = Buffer.from(
          JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'admin' }),
        ).toString('base64url');
        return `${header}.${forged}.${(await cloud.token(staff)).split('.')[2]}`;
      },
    ],
  ];
  for (const [what, make] of cases) {
    it(`rejects ${what} with 401`, async () => {
      const response = await call(await make());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    });
  }

  it('accepts an id token of the pool’s client (aud instead of client_id)', async () => {
    const response = await call(await cloud.token(staff, { tokenUse: 'id' }));
    expect(response.status).toBe(200);
  });

  it('rejects a token that expires when the runtime clock moves past its expiry', async () => {
    const token = await cloud.token(staff, { expiresInSeconds: 60 });
    expect((await call(token)).status).toBe(200);
    cloud.clock.advance(120_000);
    try {
      expect((await call(token)).status).toBe(401);
    } finally {
      cloud.clock.set(Date.now());
    }
  });
});

describe('functions as Lambda runs them', () => {
  it('gives each function its own environment', async () => {
    const [a, b] = await Promise.all([fetch(`${cloud.url}/env/a`).then(json), fetch(`${cloud.url}/env/b`).then(json)]);
    expect(a.greeting).toBe('from A');
    expect(b.greeting).toBe('from B');
    expect(a.functionName).not.toBe(b.functionName);
  });

  it('fails a function over its timeout as Lambda does, and the API answers 500', async () => {
    const direct = await cloud.lambda.invoke(
      cloud.system.functions.find((f) => f.logicalId.startsWith('Slow'))!.functionName,
      {},
    );
    expect(direct.ok).toBe(false);
    if (!direct.ok) {
      expect(direct.errorType).toBe('Sandbox.Timedout');
      expect(direct.errorMessage).toMatch(/Task timed out after 1\.00 seconds/);
    }
    const response = await fetch(`${cloud.url}/slow`);
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({ message: 'Internal Server Error' });
  });

  it('shows handlers the runtime clock', async () => {
    cloud.clock.set(Date.parse('2026-01-31T17:30:00Z'));
    try {
      const body = await fetch(`${cloud.url}/echo/clock`).then(json);
      expect(Math.abs(Date.parse(body.now) - Date.parse('2026-01-31T17:30:00Z'))).toBeLessThan(5_000);
      expect(body.event.requestContext.timeEpoch - Date.parse('2026-01-31T17:30:00Z')).toBeLessThan(5_000);
    } finally {
      cloud.clock.set(Date.now());
    }
  });

  it('passes a full Lambda context', async () => {
    const body = await fetch(`${cloud.url}/echo/context`).then(json);
    expect(body.context.functionName).toMatch(/^platform-test-Echo/);
    expect(body.context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.context.memoryLimitInMB).toBe('512');
    expect(body.context.remainingMs).toBeGreaterThan(8_000);
    expect(body.context.remainingMs).toBeLessThanOrEqual(10_000);
  });

  it('makes an injected fault throw exactly once', async () => {
    const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('EnvA'))!;
    cloud.faults.lambda.throwOnce.add(fn.functionName);
    expect((await fetch(`${cloud.url}/env/a`)).status).toBe(500);
    expect((await fetch(`${cloud.url}/env/a`)).status).toBe(200);
  });
});

describe('captured email', () => {
  it('shows an email sent through SES in the outbox, with its links', async () => {
    const ses = new SESv2Client({
      region: cloud.env.AWS_REGION,
      endpoint: cloud.env.AWS_ENDPOINT_URL_SESV2,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@abdi.local',
        Destination: { ToAddresses: ['kepala@palembang.go.id'] },
        Content: {
          Simple: {
            Subject: { Data: 'Permohonan menunggu keputusan Anda' },
            Body: {
              Text: { Data: 'Buka http://127.0.0.1/approvals/abc' },
              Html: { Data: '<p><a href="http://127.0.0.1/approvals/abc">Buka</a></p>' },
            },
          },
        },
      }),
    );
    const mail = (await cloud.outbox()).find((m) => m.subject === 'Permohonan menunggu keputusan Anda');
    expect(mail?.to).toEqual(['kepala@palembang.go.id']);
    expect(mail?.links).toContain('http://127.0.0.1/approvals/abc');
    const page = await fetch(`${cloud.url}/_outbox`).then((r) => r.text());
    expect(page).toContain('Permohonan menunggu keputusan Anda');
  });
});

describe('state machines from the template', () => {
  const sfnClient = () =>
    new SFNClient({
      region: cloud.env.AWS_REGION,
      endpoint: cloud.env.AWS_ENDPOINT_URL_SFN,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  const machineArn = () => cloud.system.stateMachines.find((m) => m.logicalId.startsWith('Approval'))!.arn;
  const parkedToken = async (requestId: string) =>
    vi.waitFor(
      async () => {
        const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
        const item = await cloud.dynamodb.send(
          new GetItemCommand({ TableName: table, Key: { PK: { S: `TOKEN#${requestId}` }, SK: { S: 'TOKEN' } } }),
        );
        if (!item.Item?.token?.S) throw new Error('no token yet');
        return item.Item.token.S;
      },
      { timeout: 10_000, interval: 50 },
    );
  const finished = async (executionArn: string) =>
    vi.waitFor(
      async () => {
        const execution = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status === 'RUNNING') throw new Error('still running');
        return execution;
      },
      { timeout: 10_000, interval: 50 },
    );

  it('runs the synthesized definition: the callback branch closes the round when its token is used', async () => {
    const deadlineAt = new Date(Date.now() + 3_600_000).toISOString();
    const { executionArn } = await sfnClient().send(
      new StartExecutionCommand({
        stateMachineArn: machineArn(),
        name: 'req-callback',
        input: JSON.stringify({ requestId: 'req-callback', deadlineAt }),
      }),
    );
    const token = await parkedToken('req-callback');
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    const execution = await finished(executionArn!);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ requestId: 'req-callback', endedBy: 'StageClosed' });
    await expect(sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toThrow();
  });

  it('ends the round at the deadline when the runtime clock passes it, and the token dies', async () => {
    const deadlineAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const { executionArn } = await sfnClient().send(
      new StartExecutionCommand({
        stateMachineArn: machineArn(),
        name: 'req-deadline',
        input: JSON.stringify({ requestId: 'req-deadline', deadlineAt }),
      }),
    );
    const token = await parkedToken('req-deadline');
    cloud.clock.advance(4 * 86_400_000);
    try {
      const execution = await finished(executionArn!);
      expect(JSON.parse(execution.output!)).toEqual({ requestId: 'req-deadline', endedBy: 'StageDeadline' });
      await expect(
        sfnClient().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
      ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    } finally {
      cloud.clock.set(Date.now());
    }
  });
});
