import type { Context, ScheduledEvent } from 'aws-lambda';
import { documents, tableName } from '#shared/aws/clients';
import { logger } from '#shared/observability';
import { runRetention } from '#shared/retention/job';
import { retentionFromEnvironment } from '#shared/retention/settings';

/** Daily (EventBridge schedule): deletes closed submissions, audit trails and survey responses past retention. */
export const handler = async (_event: ScheduledEvent, context: Context) => {
  logger.addContext(context);
  const run = await runRetention({ db: documents, table: tableName() }, retentionFromEnvironment(), new Date(), {
    remainingMs: () => context.getRemainingTimeInMillis(),
  });
  logger.info('retention run', { ...run });
  // Left in place, and alarmed through the function's errors: someone has to look at them.
  const failed = [...run.submissions.failed, ...run.audit.failed];
  if (failed.length > 0) throw new Error(`retention: ${failed.length} closed submissions could not be deleted`);
  return run;
};
