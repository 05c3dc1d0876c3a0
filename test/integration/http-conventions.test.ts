import { ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { demoStaff } from '#shared/directory/demo-seed';
import { json } from '#test/support/http';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({
    app: 'test/fixtures/platform-app/app.ts',
    accessKeyId: 'httpconventions',
    seed: true,
  });
});

afterAll(async () => {
  await cloud?.stop();
});

const postJson = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${cloud.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

const staffToken = (sub: string, groups: string[]) => cloud.token({ sub, groups });
const admin = demoStaff.find((s) => s.groups.includes('admin'))!;
const operator = demoStaff.find((s) => s.groups.includes('operator'))!;

describe('JSON routes', () => {
  it('answers malformed JSON with 400 problem+json', async () => {
    const response = await postJson('/things', '{"name": "abc",');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await json(response)).toMatchObject({ type: 'https://abdi.dev/problems/malformed-json', status: 400 });
  });

  it('answers schema violations with 422 naming every bad field', async () => {
    const response = await postJson('/things', JSON.stringify({ name: 'ab', count: 1.5, tags: ['a', 'b', 'c', 'd'] }));
    expect(response.status).toBe(422);
    const problem = await json(response);
    expect(problem.type).toBe('https://abdi.dev/problems/validation');
    expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual(['count', 'name', 'tags']);
    for (const error of problem.errors) expect(error.message.length).toBeGreaterThan(0);
  });

  it('names a missing body as a field error', async () => {
    const response = await fetch(`${cloud.url}/things`, { method: 'POST' });
    expect(response.status).toBe(422);
    expect((await json(response)).errors).toEqual([expect.objectContaining({ field: '', in: 'body' })]);
  });

  it('refuses a media type the route does not take with 415', async () => {
    const response = await postJson('/things', '<thing/>', 'application/xml');
    expect(response.status).toBe(415);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('accepts a valid body', async () => {
    const response = await postJson('/things', JSON.stringify({ name: 'kursi', count: 2 }));
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({ created: { name: 'kursi', count: 2 } });
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers an unexpected exception with a 500 problem without internals, and counts it', async () => {
    const response = await fetch(`${cloud.url}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ type: 'https://abdi.dev/problems/internal', status: 500 });
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/at .*\.(ts|js|mjs):\d+/);
    await vi.waitFor(() => {
      const metricLine = cloud.logs.find((l) => l.line.includes('"UnhandledError"') && l.line.includes('_aws'));
      expect(metricLine).toBeDefined();
    });
  });
});

describe('HTML routes', () => {
  it('answers a validation error with an HTML page of the same status naming the field', async () => {
    const response = await postJson('/page/form', 'nama=ab', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await response.text();
    expect(page).toContain('<strong>nama</strong>');
    expect(page).toContain('lang="id"');
  });

  it('reads an urlencoded form (base64 from the gateway) and escapes what it echoes', async () => {
    const response = await postJson(
      '/page/form',
      `nama=${encodeURIComponent('<script>alert(1)</script> Siti')}`,
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Siti');
    expect(page).not.toContain('<script>alert(1)');
  });

  it('sends a browser without a session from a staff page to sign in, and back afterwards', async () => {
    const response = await fetch(`${cloud.url}/staff/page?tab=2`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/auth/login?next=${encodeURIComponent('/staff/page?tab=2')}`);
  });
});

describe('staff authentication and roles', () => {
  it('lets an admin through a route for admins, with the office from the directory', async () => {
    const response = await fetch(`${cloud.url}/admin-only`, {
      headers: { authorization: `Bearer ${await staffToken(admin.sub, ['admin', 'operator'])}` },
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ sub: admin.sub, officeCode: admin.officeCode });
  });

  it('refuses an operator on a route for admins with 403', async () => {
    const response = await fetch(`${cloud.url}/admin-only`, {
      headers: { authorization: `Bearer ${await staffToken(operator.sub, ['operator'])}` },
    });
    expect(response.status).toBe(403);
  });

  it('refuses a valid token whose subject is not in the directory', async () => {
    const response = await fetch(`${cloud.url}/admin-only`, {
      headers: { authorization: `Bearer ${await staffToken('stranger', ['admin'])}` },
    });
    expect(response.status).toBe(403);
    expect((await json(response)).type).toBe('https://abdi.dev/problems/not-staff');
  });

  it('refuses a disabled staff member at once, though their token is still valid', async () => {
    const token = await staffToken(admin.sub, ['admin']);
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${cloud.url}/admin-only`, { headers })).status).toBe(200);
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
    const setStatus = (status: string) =>
      cloud.dynamodb.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { PK: { S: `STAFF#${admin.sub}` }, SK: { S: 'STAFF' } },
          UpdateExpression: 'SET #s = :s',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': { S: status } },
        }),
      );
    await setStatus('disabled');
    try {
      const response = await fetch(`${cloud.url}/admin-only`, { headers });
      expect(response.status).toBe(403);
      expect((await json(response)).type).toBe('https://abdi.dev/problems/staff-disabled');
    } finally {
      await setStatus('active');
    }
  });
});

describe('logs', () => {
  it('hold no NIP, phone or link token at DEBUG, in any encoding, even from a handler that logs everything', async () => {
    const nip = '198503152010011002';
    const phone = '081234567890';
    const token = 'Zk9ZbG9uZ2xpbmt0b2tlbl9mb3JfdGVzdGluZ19vbmx5X3h5eg';
    const before = cloud.logs.length;
    const response = await postJson(
      `/careless/${token}`,
      new URLSearchParams({ nip, phone, note: 'catatan' }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(response.status).toBe(204);
    const lines = await vi.waitFor(() => {
      const mine = cloud.logs.slice(before).map((l) => l.line);
      expect(mine.some((l) => l.includes('"received"'))).toBe(true);
      expect(mine.some((l) => l.includes('link /careless/'))).toBe(true);
      return mine.join('\n');
    });
    const forms = (secret: string) => [
      secret,
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
      Buffer.from(secret).toString('hex'),
      encodeURIComponent(secret),
    ];
    for (const secret of [nip, phone, token, `nip=${nip}`]) {
      for (const form of forms(secret)) expect(lines, `found ${form}`).not.toContain(form);
    }
    // The redacted lines still say what happened.
    expect(lines).toContain('[NIP]');
    expect(lines).toContain('link /careless/[token] for [NIP]');
  });
});

describe('office scoping', () => {
  const get = async (sub: string, groups: string[], office: string) =>
    fetch(`${cloud.url}/offices/${office}/things`, {
      headers: { authorization: `Bearer ${await staffToken(sub, groups)}` },
    });

  it("lets an operator read their own office's data and refuses another office's with 403", async () => {
    expect((await get(operator.sub, ['operator'], operator.officeCode)).status).toBe(200);
    const other = demoStaff.find((s) => s.groups.includes('operator') && s.officeCode !== operator.officeCode)!;
    const refused = await get(operator.sub, ['operator'], other.officeCode);
    expect(refused.status).toBe(403);
    expect((await json(refused)).type).toBe('https://abdi.dev/problems/other-office');
  });

  it('lets an admin read any office', async () => {
    expect((await get(admin.sub, ['admin'], 'DISDIK')).status).toBe(200);
  });
});

describe('idempotent POSTs', () => {
  const order = async (sub: string, key: string, body: object) =>
    fetch(`${cloud.url}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await staffToken(sub, ['operator'])}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
  const ordersOf = async (sub: string) => {
    const table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
    const { Items = [] } = await cloud.dynamodb.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(PK, :p) AND #o = :o',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':p': { S: 'ORDER#' }, ':o': { S: sub } },
      }),
    );
    return Items;
  };

  it('answers a retried POST with the first result and writes once', async () => {
    const first = await order(operator.sub, 'key-retry', { item: 'kertas', quantity: 5 });
    const retry = await order(operator.sub, 'key-retry', { item: 'kertas', quantity: 5 });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    const [a, b] = [await json(first), await json(retry)];
    expect(b).toEqual(a);
    expect((await ordersOf(operator.sub)).filter((i) => i.item?.S === 'kertas')).toHaveLength(1);
  });

  it('refuses the same key with another body with 422 and writes nothing more', async () => {
    expect((await order(operator.sub, 'key-mismatch', { item: 'tinta', quantity: 1 })).status).toBe(201);
    const other = await order(operator.sub, 'key-mismatch', { item: 'tinta', quantity: 2 });
    expect(other.status).toBe(422);
    expect((await json(other)).type).toBe('https://abdi.dev/problems/idempotency-key-reused');
    expect((await ordersOf(operator.sub)).filter((i) => i.item?.S === 'tinta')).toHaveLength(1);
  });

  it('gives another caller using the same key their own result', async () => {
    const mine = await json(await order(operator.sub, 'key-shared', { item: 'map', quantity: 1 }));
    const theirs = await json(await order(admin.sub, 'key-shared', { item: 'map', quantity: 1 }));
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.owner).toBe(admin.sub);
  });

  it('answers a duplicate sent while the first is in progress with 409 and Retry-After', async () => {
    const [a, b] = await Promise.all([
      order(operator.sub, 'key-concurrent', { item: 'pena', quantity: 3 }),
      order(operator.sub, 'key-concurrent', { item: 'pena', quantity: 3 }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(conflict.headers.get('retry-after')).toBe('2');
    expect((await ordersOf(operator.sub)).filter((i) => i.item?.S === 'pena')).toHaveLength(1);
  });
});

describe('rate limits on public POSTs', () => {
  it('refuses a client over its per-minute limit with 429 until the minute ends, then its daily cap until WIB midnight', async () => {
    // 10:00:30 WIB: the daily window ends at 17:00Z.
    cloud.clock.set(Date.parse('2026-03-02T03:00:30Z'));
    try {
      const send = () => fetch(`${cloud.url}/limited`, { method: 'POST' });
      for (let i = 0; i < 3; i++) expect((await send()).status).toBe(204);
      const refused = await send();
      expect(refused.status).toBe(429);
      expect((await json(refused)).type).toBe('https://abdi.dev/problems/rate-limited');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(30);

      cloud.clock.advance(61_000);
      expect((await send()).status).toBe(204);
      expect((await send()).status).toBe(204);
      const capped = await send();
      expect(capped.status).toBe(429);
      // Until midnight WIB (17:00Z), about 14 hours away.
      expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(13 * 3600);

      cloud.clock.set(Date.parse('2026-03-02T17:00:05Z'));
      const nextDay = await send();
      expect(nextDay.status, await nextDay.text()).toBe(204);
    } finally {
      cloud.clock.set(Date.now());
    }
  });

  it('lets exactly the per-minute limit through when one client sends many at once', async () => {
    cloud.clock.set(Date.parse('2026-03-03T03:00:30Z'));
    try {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () => fetch(`${cloud.url}/limited`, { method: 'POST' }).then((r) => r.status)),
      );
      expect(statuses.filter((s) => s === 204)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    } finally {
      cloud.clock.set(Date.now());
    }
  });
});
