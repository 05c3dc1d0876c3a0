import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyFigures, hostileRun } from './hostile.ts';
import { type SecurityCloud, startSecurityCloud } from './support.ts';

let sc: SecurityCloud;

beforeAll(async () => {
  sc = await startSecurityCloud('hostileslow');
});

afterAll(async () => {
  await sc?.stop();
});

// The deep run of hostile-input.test.ts: more inputs per route, bigger and deeper bodies, other seeds.
const SEEDS = [1, 7_919];
const RUNS_PER_ROUTE = 30;

describe('hostile input on every route of the template, at depth', () => {
  for (const seed of SEEDS) {
    it(`never answers 5xx and a refused request writes nothing (seed ${seed})`, { timeout: 900_000 }, async () => {
      const figures = emptyFigures();
      const failures = await hostileRun(sc, {
        seed,
        numRuns: RUNS_PER_ROUTE,
        hugeBytes: 6_000_000,
        maxDepth: 100_000,
        figures,
      });
      console.log(JSON.stringify({ seed, ...figures }));
      expect(failures).toEqual([]);
      for (const count of Object.values(figures.perRoute)) expect(count).toBe(RUNS_PER_ROUTE);
    });
  }
});
