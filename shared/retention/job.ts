import { logger } from '#shared/observability';
import type { RetentionSettings } from './settings.ts';
import { type Expiry, expireMarked, type RetentionStore } from './submissions.ts';
import { expireSurveyResponses, type SurveyExpiry } from './survey-responses.ts';

/**
 * The retention job (daily): deletes what the retention settings say is past its time, in order of sensitivity —
 * closed submissions (values with NIPs and phones), then audit trails, then raw survey responses. Every step reads
 * only what is due (markers and month partitions), so an ordinary run reads next to nothing; a run that runs out of
 * time stops between items, and the next run continues (`more`).
 */

/** Time kept free at the end of a run: the item in hand finishes, the summary is logged. */
const RESERVE_MS = 60_000;

export interface RetentionRun {
  settings: RetentionSettings;
  submissions: Expiry;
  audit: Expiry;
  surveyResponses: SurveyExpiry;
}

export const runRetention = async (
  store: RetentionStore,
  settings: RetentionSettings,
  now: Date,
  options: { remainingMs?: () => number } = {},
): Promise<RetentionRun> => {
  const hasTime = () => (options.remainingMs?.() ?? Number.POSITIVE_INFINITY) > RESERVE_MS;
  // Each step runs whatever happened to the one before (a query refused for now must not stop the others); the
  // first error is thrown at the end, so the run still fails and alarms.
  const errors: unknown[] = [];
  const step = async <T>(run: () => Promise<T>, none: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      logger.error('retention: a step failed; the others run', { error });
      errors.push(error);
      return none;
    }
  };
  const expiry = (): Expiry => ({ deleted: 0, items: 0, more: true, failed: [] });
  const submissions = await step(
    () => expireMarked(store, 'SUBMISSIONS', settings.submissionsDays, now, hasTime),
    expiry(),
  );
  const audit = await step(() => expireMarked(store, 'AUDIT', settings.auditDays, now, hasTime), expiry());
  const surveyResponses = await step(
    () => expireSurveyResponses(store, settings.surveyResponsesDays, now, hasTime),
    undefined,
  );
  if (errors.length > 0) throw errors[0];
  return { settings, submissions, audit, surveyResponses: surveyResponses! };
};
