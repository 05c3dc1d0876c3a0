import { documents, tableName } from '#shared/aws/clients';
import { logger } from '#shared/observability';
import { ALERT_MIN_RESPONSES, runLowScoreAlerts } from '#shared/surveys/alerts';

/** Daily (EventBridge schedule): emails the heads of units whose month so far scores low, once per month. */
export const handler = async () => {
  const minResponses = Number(process.env.SURVEY_ALERT_MIN_RESPONSES ?? ALERT_MIN_RESPONSES);
  const run = await runLowScoreAlerts(documents, tableName(), new Date(), { minResponses });
  logger.info('survey low-score alerts', {
    month: run.month,
    checked: run.checked,
    alerted: run.alerted.length,
    noRecipient: run.noRecipient,
  });
  return run;
};
