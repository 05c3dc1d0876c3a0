import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger, metrics } from '#shared/observability';
import { publishReconcilerMetrics, reconcilerChecks, runReconciler } from '#shared/reconciler/index';

/** Every few minutes (EventBridge schedule): runs the reconciler's checks, reports what they found and repaired. */
export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const checks = await runReconciler(reconcilerChecks, {
    remainingMs: () => context.getRemainingTimeInMillis(),
    log: logger,
  });
  publishReconcilerMetrics(checks, metrics);
  logger.info('reconciler run', { checks });
  return { checks };
};
