import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ELEMENTS } from '#test/support/surveys';
import { emptyFigures, hostileRun, hostileString, problemsOf, SENT_NIP, SENT_PHONE } from './hostile.ts';
import { type Answer, jsonOf, OFFICE_A, type SecurityCloud, sendRaw, startSecurityCloud } from './support.ts';

let sc: SecurityCloud;

beforeAll(async () => {
  sc = await startSecurityCloud('hostilefast');
});

afterAll(async () => {
  await sc?.stop();
});

// Small and deterministic for `npm test`; hostile-input.slow.test.ts runs the same at depth.
const SEED = 20260309;
const RUNS_PER_ROUTE = 3;

describe('hostile input on every route of the template', () => {
  it('never answers 5xx, answers problem+json or a page, and a refused request writes nothing', async () => {
    const figures = emptyFigures();
    const failures = await hostileRun(sc, {
      seed: SEED,
      numRuns: RUNS_PER_ROUTE,
      hugeBytes: 200_000,
      maxDepth: 2_000,
      figures,
    });
    expect(failures).toEqual([]);
    expect(Object.keys(figures.perRoute).sort()).toEqual(sc.cloud.system.routes.map((r) => r.routeKey).sort());
    for (const count of Object.values(figures.perRoute)) expect(count).toBe(RUNS_PER_ROUTE);
  });

  it('leaves no NIP, phone number or token it sent in any log line', () => {
    // Runs after the hostile run, whose strings include a NIP and a phone number in several spellings.
    const lines = sc.cloud.logs.map((l) => l.line).join('\n');
    expect(sc.sentTokens.length).toBeGreaterThan(0);
    for (const secret of [SENT_NIP, SENT_PHONE, ...sc.sentTokens.map((t) => t.split('.')[2]!)]) {
      expect(lines.includes(secret), `a log line holds ${secret.slice(0, 10)}...`).toBe(false);
    }
  });

  it('refuses a body over the 10 MB limit with 413 before any function runs', async () => {
    const before = await sc.dump();
    const answer = await sc.send('admin', {
      method: 'POST',
      path: `/forms/${sc.fx.formId}/submissions`,
      body: JSON.stringify({ values: { nama: 'A'.repeat(10 * 1024 * 1024 + 1) } }),
    });
    expect(answer.status).toBe(413);
    expect(await sc.dump()).toBe(before);
  });
});

describe('abuse of public writes', () => {
  it('counts a client by its address, whatever X-Forwarded-For claims', async () => {
    const body = JSON.stringify({ answers: Object.fromEntries(ELEMENTS.map((e) => [e, 3])) });
    // At the start of a minute, so the ten allowed fall in one window.
    sc.cloud.clock.set(Date.parse('2026-03-02T03:00:05Z'));
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const answer = await sendRaw(`${sc.cloud.url}/surveys/${OFFICE_A}/responses`, {
          method: 'POST',
          from: '127.77.0.1',
          body,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.0.0.${i}`, 'x-real-ip': `10.1.0.${i}` },
        });
        statuses.push(answer.status);
      }
      expect(statuses).toEqual([...Array(10).fill(201), 429]);
    } finally {
      sc.cloud.clock.set(Date.now());
    }
  });
});

describe('valid generated input', () => {
  it('stores submissions with any unicode text as sent, readable by the office', async () => {
    const text = fc
      .string({ unit: 'grapheme', minLength: 3, maxLength: 120 })
      .filter((s) => s.trim().length >= 3 && s === s.trim());
    await fc.assert(
      fc.asyncProperty(text, async (nama) => {
        const created = await sc.send('operatorA', {
          method: 'POST',
          path: `/forms/${sc.fx.formId}/submissions`,
          body: { values: { nama } },
        });
        expect(created.status, created.text).toBe(201);
        const read = await sc.send('operatorA', { method: 'GET', path: `/submissions/${jsonOf(created).id}` });
        expect(read.status).toBe(200);
        expect(jsonOf(read)).toMatchObject({ officeCode: OFFICE_A, values: { nama } });
      }),
      { seed: SEED, numRuns: 10 },
    );
  });

  it('counts every valid survey response in the unit report', async () => {
    const month = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
    const reported = async () =>
      jsonOf(await sc.send('admin', { method: 'GET', path: `/surveys/${OFFICE_A}/report?from=${month}` })).responses;
    const before = await reported();
    let sent = 0;
    const response = fc.record(
      {
        answers: fc
          .tuple(...ELEMENTS.map(() => fc.integer({ min: 1, max: 4 })))
          .map((scores) => Object.fromEntries(ELEMENTS.map((e, i) => [e, scores[i]]))),
        suggestion: hostileString.map((s) => s.slice(0, 500)),
      },
      { requiredKeys: ['answers'] },
    );
    await fc.assert(
      fc.asyncProperty(response, async (body) => {
        const answer = await sc.send('anonymous', { method: 'POST', path: `/surveys/${OFFICE_A}/responses`, body });
        expect(answer.status, answer.text).toBe(201);
        sent++;
      }),
      { seed: SEED, numRuns: 10 },
    );
    expect(await reported()).toBe(before + sent);
  });

  it('adds people whose names hold any unicode text, and reads them back unchanged', async () => {
    let n = 0;
    const name = fc
      .string({ unit: 'grapheme', minLength: 3, maxLength: 60 })
      .filter((s) => s.trim().length >= 3 && s === s.trim());
    await fc.assert(
      fc.asyncProperty(name, async (personName) => {
        n++;
        const created = await sc.send('admin', {
          method: 'POST',
          path: '/directory/people',
          body: {
            name: personName,
            email: `fuzz${n}@dinkes.palembang.local`,
            employeeType: 'PPPK',
            unitCode: OFFICE_A,
          },
        });
        expect(created.status, created.text).toBe(201);
        const read = await sc.send('operatorB', { method: 'GET', path: `/directory/people/${jsonOf(created).id}` });
        expect(jsonOf(read).name).toBe(personName);
      }),
      { seed: SEED, numRuns: 8 },
    );
  });
});

describe('the suite can fail', () => {
  it('flags the 500 of a function that throws, as the oracle of the hostile run sees it', async () => {
    const route = sc.cloud.system.routes.find((r) => r.routeKey === 'GET /forms/{formId}')!;
    sc.cloud.faults.lambda.throwOnce.add(route.functionName);
    const answer = await sc.send('admin', { method: 'GET', path: `/forms/${sc.fx.formId}` });
    expect(answer.status).toBe(500);
    expect(problemsOf(route.routeKey, answer)).toEqual([expect.stringContaining('500 server error')]);
  });

  it('answers a database that keeps throttling with a 503 problem to retry, an UnhandledError metric, and the oracle flags it', async () => {
    const before = sc.cloud.logs.length;
    sc.cloud.faults.dynamodb.throttleRate = 1;
    let answer: Answer;
    try {
      answer = await sc.send('admin', { method: 'GET', path: `/forms/${sc.fx.formId}` });
    } finally {
      sc.cloud.faults.dynamodb.throttleRate = 0;
    }
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['retry-after']).toBe('1');
    expect(jsonOf(answer)).toMatchObject({ type: 'https://abdi.dev/problems/busy', status: 503 });
    expect(problemsOf('GET /forms/{formId}', answer)).toHaveLength(1);
    await vi.waitFor(() => {
      const metric = sc.cloud.logs
        .slice(before)
        .find((l) => l.line.includes('"UnhandledError"') && l.line.includes('_aws'));
      expect(metric).toBeDefined();
    });
  });
});
