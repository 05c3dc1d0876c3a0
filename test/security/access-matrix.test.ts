import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix } from './access-matrix.ts';
import {
  dumpChange,
  fillPath,
  jsonOf,
  OFFICE_A,
  OFFICE_B,
  ROLES,
  type Role,
  type SecurityCloud,
  startSecurityCloud,
} from './support.ts';

let sc: SecurityCloud;

beforeAll(async () => {
  sc = await startSecurityCloud('accessmatrix');
});

afterAll(async () => {
  await sc?.stop();
});

const isRefusal = (status: number) => status >= 400;

describe('the access matrix', () => {
  it('has one entry per route of the template, and no entry for a route the template lacks', () => {
    const routes = sc.cloud.system.routes.map((r) => r.routeKey).sort();
    const entries = Object.keys(accessMatrix).sort();
    expect(routes.length).toBeGreaterThan(0);
    expect(
      {
        withoutEntry: routes.filter((r) => !entries.includes(r)),
        withoutRoute: entries.filter((e) => !routes.includes(e)),
      },
      'routes without an entry in test/security/access-matrix.ts, and entries without a route',
    ).toEqual({ withoutEntry: [], withoutRoute: [] });
  });

  it('gives every role the status the matrix expects on every route, and refusals write nothing', async () => {
    const mismatches: string[] = [];
    for (const route of sc.cloud.system.routes) {
      const entry = accessMatrix[route.routeKey];
      if (!entry) continue; // reported by the test above
      // Refused roles first, between two dumps of every table; the roles that may act after them. (GETs writing
      // anything is the hostile-input suite's check.)
      const writes = route.method !== 'GET';
      const order = [...ROLES].sort((a, b) => Number(!isRefusal(entry[a])) - Number(!isRefusal(entry[b])));
      const actual = {} as Record<Role, number>;
      // Probes first: building one may write (a survey response to follow up), which is not the refusal's doing.
      const probes = new Map<Role, Awaited<ReturnType<NonNullable<typeof entry.probe>>>>();
      for (const role of order) {
        probes.set(role, entry.probe ? await entry.probe(sc.fx) : { path: fillPath(route.path, sc.fx.params) });
      }
      const unchanged = async (before: string) => {
        await sc.fx.settle();
        const after = await sc.dump();
        if (after !== before) {
          mismatches.push(`${route.routeKey}: a refused request changed the tables:\n${dumpChange(before, after)}`);
        }
      };
      if (writes) await sc.fx.settle();
      const before = writes ? await sc.dump() : '';
      let refusalsDone = false;
      for (const role of order) {
        if (!refusalsDone && !isRefusal(entry[role])) {
          if (writes) await unchanged(before);
          refusalsDone = true;
        }
        const answer = await sc.send(role, { method: route.method, ...probes.get(role)! });
        actual[role] = answer.status;
        if (answer.status >= 500) mismatches.push(`${route.routeKey} as ${role}: ${answer.status} ${answer.text}`);
      }
      if (!refusalsDone && writes) await unchanged(before);
      const expected = Object.fromEntries(ROLES.map((r) => [r, entry[r]]));
      const got = Object.fromEntries(ROLES.map((r) => [r, actual[r]]));
      if (JSON.stringify(expected) !== JSON.stringify(got)) {
        mismatches.push(`${route.routeKey}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('office boundaries', () => {
  it("refuses office B's operator office A's submission, listing, report and population, and writes nothing", async () => {
    const before = await sc.dump();
    const attempts = [
      { method: 'GET', path: `/submissions/${sc.fx.submissionA}` },
      { method: 'GET', path: `/submissions?office=${OFFICE_A}` },
      { method: 'GET', path: `/submissions?office=${OFFICE_A.toLowerCase()}` },
      { method: 'GET', path: `/surveys/${OFFICE_A}/report?from=2026-01` },
      { method: 'GET', path: `/surveys/${OFFICE_A.toLowerCase()}/report?from=2026-01` },
      { method: 'PUT', path: `/surveys/${OFFICE_A}/population/2026`, body: { population: 1 } },
      { method: 'PUT', path: `/surveys/${OFFICE_A.toLowerCase()}/population/2026-01`, body: { population: 1 } },
    ];
    for (const attempt of attempts) {
      const answer = await sc.send('operatorB', attempt);
      expect(answer.status, `${attempt.method} ${attempt.path}`).toBe(403);
      expect(jsonOf(answer).type).toBe('https://abdi.dev/problems/other-office');
      expect(answer.text).not.toContain('Siti Aminah');
    }
    expect(await sc.dump()).toBe(before);
  });

  it("never shows office A's submission in office B's listings", async () => {
    const mine = jsonOf(await sc.send('operatorB', { method: 'GET', path: '/submissions?limit=100' }));
    expect(mine.items.every((s: { officeCode: string }) => s.officeCode === OFFICE_B)).toBe(true);
    expect(mine.items.map((s: { id: string }) => s.id)).not.toContain(sc.fx.submissionA);
    const theirs = jsonOf(await sc.send('operatorA', { method: 'GET', path: '/submissions?limit=100' }));
    expect(theirs.items.map((s: { id: string }) => s.id)).toContain(sc.fx.submissionA);
  });

  it("files a submission under the submitter's own office whatever the body claims", async () => {
    const answer = await sc.send('operatorB', {
      method: 'POST',
      path: `/forms/${sc.fx.formId}/submissions`,
      body: { values: { nama: 'Pemohon Kantor B' }, officeCode: OFFICE_A },
    });
    if (answer.status === 201) {
      expect(jsonOf(answer).officeCode).toBe(OFFICE_B);
    } else {
      expect(answer.status).toBe(422);
    }
    const listedForA = jsonOf(
      await sc.send('admin', { method: 'GET', path: `/submissions?office=${OFFICE_A}&limit=100` }),
    );
    expect(listedForA.items.map((s: { values: { nama?: string } }) => s.values.nama)).not.toContain('Pemohon Kantor B');
  });

  it("refuses office B's operator a page cursor of office A's listing", async () => {
    const second = await sc.send('operatorA', {
      method: 'POST',
      path: `/forms/${sc.fx.formId}/submissions`,
      body: { values: { nama: 'Pemohon Kedua' } },
    });
    expect(second.status).toBe(201);
    const firstPage = jsonOf(await sc.send('operatorA', { method: 'GET', path: '/submissions?limit=1' }));
    expect(firstPage.next).toEqual(expect.any(String));
    const answer = await sc.send('operatorB', {
      method: 'GET',
      path: `/submissions?limit=100&cursor=${encodeURIComponent(firstPage.next)}`,
    });
    expect(answer.status).toBe(422);
    expect(answer.text).not.toContain('Pemohon');
  });

  it('accepts each token only where it belongs: API tokens are no session, session tokens no bearer', async () => {
    const webClient = sc.cloud.system.functions.find((f) => f.environment.STAFF_WEB_CLIENT_ID)!.environment
      .STAFF_WEB_CLIENT_ID!;
    const access = await sc.cloud.token({ sub: 'dev-admin', groups: ['admin'] });
    const session = await sc.cloud.token(
      { sub: 'dev-admin', groups: ['admin'] },
      { tokenUse: 'id', overrides: { aud: webClient } },
    );
    const asBearer = await fetch(`${sc.cloud.url}/me`, { headers: { authorization: `Bearer ${session}` } });
    expect(asBearer.status).toBe(401);
    {
      // A staff page (the printed ticket sheet): it reads the session cookie only.
      const batch = await sc.fx.call(
        'admin',
        { method: 'POST', path: `/surveys/${OFFICE_A}/ticket-batches`, body: { count: 1 } },
        201,
      );
      const asCookie = await fetch(`${sc.cloud.url}${batch.sheetPath}`, {
        headers: { cookie: `__Host-abdi-session=${access}` },
        redirect: 'manual',
      });
      expect(asCookie.status).toBe(303);
      const withBoth = await fetch(`${sc.cloud.url}${batch.sheetPath}`, {
        headers: { authorization: `Bearer ${access}` },
        redirect: 'manual',
      });
      expect(withBoth.status).toBe(303);
    }
  });

  it('takes the office from the directory, not from claims added to the token', async () => {
    const token = await sc.cloud.token(
      { sub: 'dev-operator-disdik', groups: ['operator'] },
      { overrides: { officeCode: OFFICE_A, 'custom:officeCode': OFFICE_A } },
    );
    const answer = await fetch(`${sc.cloud.url}/submissions/${sc.fx.submissionA}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(403);
  });
});

describe('email link tokens', () => {
  const decide = (token: string) =>
    sc.send('anonymous', {
      method: 'POST',
      path: `/approvals/${token}`,
      body: 'decision=approve',
      contentType: 'application/x-www-form-urlencoded',
    });

  it('grant one decision, and nothing after it', async () => {
    const { submissionId, token } = await sc.fx.newApprovalToken();
    expect((await decide(token)).status).toBe(200);
    await sc.fx.settle();
    const before = await sc.dump();
    expect((await decide(token)).status).toBe(409);
    expect((await sc.send('anonymous', { method: 'GET', path: `/approvals/${token}` })).status).toBe(409);
    await sc.fx.settle();
    expect(await sc.dump()).toBe(before);
    const progress = jsonOf(
      await sc.send('operatorA', { method: 'GET', path: `/submissions/${submissionId}/progress` }),
    );
    expect(progress.audit.filter((e: { event: string }) => e.event === 'decided')).toHaveLength(1);
  });

  it('grant nothing else: no API call, no staff page, no other request', async () => {
    const { submissionId, token } = await sc.fx.newApprovalToken();
    const asBearer = await fetch(`${sc.cloud.url}/submissions/${submissionId}/progress`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asBearer.status).toBe(401);
    const asSession = await fetch(`${sc.cloud.url}/pengajuan/${submissionId}`, {
      headers: { cookie: `__Host-abdi-session=${token}` },
      redirect: 'manual',
    });
    expect(asSession.status).toBe(303);
    // A near guess of the token is an unknown link.
    const guess = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await decide(guess)).status).toBe(404);
    // The real token still works afterwards: refusals spent nothing.
    expect((await decide(token)).status).toBe(200);
  });

  it('die with their request: a withdrawn request cannot be decided', async () => {
    const { submissionId, token } = await sc.fx.newApprovalToken();
    const withdrawn = await sc.send('operatorA', {
      method: 'POST',
      path: `/submissions/${submissionId}/withdraw`,
      body: { reason: 'Batal' },
    });
    expect(withdrawn.status).toBe(200);
    await sc.fx.settle();
    expect((await decide(token)).status).toBe(410);
  });
});
