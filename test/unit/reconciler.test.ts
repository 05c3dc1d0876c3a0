import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { publishReconcilerMetrics, type ReconcilerCheck, runReconciler } from '#shared/reconciler/index';

const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

describe('runReconciler', () => {
  it('runs every check in order and reports what each found, repaired and failed', async () => {
    const order: string[] = [];
    const check = (name: string, result: { found: number; repaired: number; failed: number }): ReconcilerCheck => ({
      name,
      run: async () => {
        order.push(name);
        return result;
      },
    });
    const summaries = await runReconciler(
      [check('a', { found: 3, repaired: 2, failed: 1 }), check('b', { found: 0, repaired: 0, failed: 0 })],
      { remainingMs: () => 60_000, log },
    );
    expect(order).toEqual(['a', 'b']);
    expect(summaries.map(({ durationMs: _, ...s }) => s)).toEqual([
      { name: 'a', found: 3, repaired: 2, failed: 1 },
      { name: 'b', found: 0, repaired: 0, failed: 0 },
    ]);
  });

  it('reports a check that throws as one failure and still runs the next', async () => {
    const ran = vi.fn(async () => ({ found: 1, repaired: 1, failed: 0 }));
    const summaries = await runReconciler(
      [
        {
          name: 'broken',
          run: async () => {
            throw new Error('table unreachable');
          },
        },
        { name: 'after', run: ran },
      ],
      { remainingMs: () => 60_000, log },
    );
    expect(summaries[0]).toMatchObject({ name: 'broken', failed: 1, error: 'Error: table unreachable' });
    expect(ran).toHaveBeenCalledOnce();
  });

  it('gives each check an equal share of the time left, minus the reserve, and an item budget', async () => {
    const budgets: number[] = [];
    const check = (name: string): ReconcilerCheck => ({
      name,
      run: async (context) => {
        budgets.push(context.timeLeftMs());
        expect(context.maxItems).toBe(7);
        return { found: 0, repaired: 0, failed: 0 };
      },
    });
    await runReconciler([check('a'), check('b'), check('c')], {
      remainingMs: () => 65_000,
      reserveMs: 5_000,
      maxItemsPerCheck: 7,
      log,
    });
    expect(budgets[0]).toBeGreaterThan(19_900);
    expect(budgets[0]).toBeLessThanOrEqual(20_000);
    expect(budgets[2]).toBeGreaterThan(59_900);
  });
});

describe('publishReconcilerMetrics', () => {
  it('publishes found, repaired and failed per check and in total', () => {
    const published: { dimensions: Record<string, string>; values: Record<string, number> }[] = [];
    let dimensions: Record<string, string> = {};
    let values: Record<string, number> = {};
    const metrics = {
      addDimension: (name: string, value: string) => {
        dimensions[name] = value;
      },
      addMetric: (name: string, _unit: string, value: number) => {
        values[name] = value;
      },
      publishStoredMetrics: () => {
        published.push({ dimensions, values });
        dimensions = {};
        values = {};
      },
    } as unknown as Metrics;
    publishReconcilerMetrics(
      [
        { name: 'mail-not-sent', found: 4, repaired: 3, failed: 1, durationMs: 10 },
        { name: 'executions-not-started', found: 1, repaired: 1, failed: 0, durationMs: 5 },
      ],
      metrics,
    );
    expect(published).toEqual([
      {
        dimensions: { check: 'mail-not-sent' },
        values: { ReconcilerFound: 4, ReconcilerRepaired: 3, ReconcilerFailed: 1 },
      },
      {
        dimensions: { check: 'executions-not-started' },
        values: { ReconcilerFound: 1, ReconcilerRepaired: 1, ReconcilerFailed: 0 },
      },
      { dimensions: {}, values: { ReconcilerFound: 5, ReconcilerRepaired: 4, ReconcilerFailed: 1 } },
    ]);
  });
});
