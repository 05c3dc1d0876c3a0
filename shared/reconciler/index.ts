import { performance } from 'node:perf_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { mailNotSent } from '#shared/mail/reconcile';
import { workflowSignalsOwed } from '#shared/workflow/reconcile';

/**
 * The reconciler repairs what a crash between two steps can leave behind. Each concern is a {@link ReconcilerCheck};
 * the scheduled function runs {@link reconcilerChecks} in order, each within its share of the invocation's time and
 * an item budget, so one slow check cannot starve the others and a run never ends mid-repair by timing out.
 */

/** What one check found and did in one run. */
export interface CheckResult {
  /** Stuck things seen. */
  found: number;
  /** Of those, repaired now. */
  repaired: number;
  /** Repairs attempted that did not succeed (to be retried by a later run, or given up). */
  failed: number;
}

/** What a check gets from the run. */
export interface ReconcilerContext {
  now(): Date;
  /** Milliseconds this check may still spend. Start no step that could outlast it. */
  timeLeftMs(): number;
  /** Most items this check should handle in this run. */
  maxItems: number;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** One kind of repair. Later capabilities add checks (executions not started, stages closed but not signalled). */
export interface ReconcilerCheck {
  /** Stable name: the `check` dimension of the metrics. */
  name: string;
  run(context: ReconcilerContext): Promise<CheckResult>;
}

/** Every check, in the order they run. */
export const reconcilerChecks: readonly ReconcilerCheck[] = [workflowSignalsOwed, mailNotSent];

export interface RunOptions {
  /** Time left in the invocation (the Lambda context's `getRemainingTimeInMillis`). */
  remainingMs(): number;
  now?: () => Date;
  log: ReconcilerContext['log'];
  /** @default 100 */
  maxItemsPerCheck?: number;
  /** Kept free at the end of the invocation for reporting. @default 5000 */
  reserveMs?: number;
}

export interface CheckSummary extends CheckResult {
  name: string;
  durationMs: number;
  /** The check threw (counted as one failure). */
  error?: string;
}

/** Runs the checks in order; a check that throws is reported and the next one still runs. */
export const runReconciler = async (
  checks: readonly ReconcilerCheck[],
  options: RunOptions,
): Promise<CheckSummary[]> => {
  const reserveMs = options.reserveMs ?? 5_000;
  const summaries: CheckSummary[] = [];
  for (const [index, check] of checks.entries()) {
    const started = performance.now();
    // An equal share of what is left, so a slow early check leaves time for the later ones.
    const shareMs = (options.remainingMs() - reserveMs) / (checks.length - index);
    const timeLeftMs = () => Math.min(shareMs - (performance.now() - started), options.remainingMs() - reserveMs);
    const context: ReconcilerContext = {
      now: options.now ?? (() => new Date()),
      timeLeftMs,
      maxItems: options.maxItemsPerCheck ?? 100,
      log: options.log,
    };
    try {
      const result = await check.run(context);
      summaries.push({ name: check.name, ...result, durationMs: Math.round(performance.now() - started) });
    } catch (error) {
      options.log.error('reconciler check failed', { check: check.name, error: error as Error });
      summaries.push({
        name: check.name,
        found: 0,
        repaired: 0,
        failed: 1,
        durationMs: Math.round(performance.now() - started),
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return summaries;
};

/**
 * Publishes `ReconcilerFound`, `ReconcilerRepaired`, `ReconcilerFailed`: per check (dimension `check`) and in total
 * (no extra dimension; the alarms watch the totals, so a new check is alarmed without touching the infrastructure).
 */
export const publishReconcilerMetrics = (summaries: readonly CheckSummary[], metrics: Metrics): void => {
  const totals = { found: 0, repaired: 0, failed: 0 };
  for (const summary of summaries) {
    metrics.addDimension('check', summary.name);
    metrics.addMetric('ReconcilerFound', MetricUnit.Count, summary.found);
    metrics.addMetric('ReconcilerRepaired', MetricUnit.Count, summary.repaired);
    metrics.addMetric('ReconcilerFailed', MetricUnit.Count, summary.failed);
    metrics.publishStoredMetrics();
    totals.found += summary.found;
    totals.repaired += summary.repaired;
    totals.failed += summary.failed;
  }
  metrics.addMetric('ReconcilerFound', MetricUnit.Count, totals.found);
  metrics.addMetric('ReconcilerRepaired', MetricUnit.Count, totals.repaired);
  metrics.addMetric('ReconcilerFailed', MetricUnit.Count, totals.failed);
  metrics.publishStoredMetrics();
};
