import { documents, tableName } from '#shared/aws/clients';
import { logger } from '#shared/observability';
import { runRollups } from '#shared/surveys/rollup-job';
import * as z from '#shared/zod';

/** A scheduled event has no `year`; `{"year": "2025"}` (a manual invoke) recomputes that whole year (backfill). */
const RollupEvent = z.object({
  year: z.optional(z.string().check(z.regex(/^\d{4}$/))),
});

/** Every 15 minutes (EventBridge schedule): materializes the survey roll-ups the current month can change. */
export const handler = async (event: unknown) => {
  const { year } = RollupEvent.parse(event ?? {});
  const run = await runRollups(documents, tableName(), new Date(), { year });
  logger.info('survey roll-ups', { ...run });
  return run;
};
