import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SNSEvent } from 'aws-lambda';
import { documents, tableName } from '#shared/aws/clients';
import { parseSesEvent, recordSesEvent } from '#shared/mail/feedback';
import { logger, metrics } from '#shared/observability';

/**
 * SES bounce and complaint events, delivered by the configuration set's SNS topic. A message that is not an SES event
 * is logged and dropped (retrying it cannot help); a DynamoDB failure throws, so Lambda retries the event.
 */
export const handler = async (event: SNSEvent, context: Context): Promise<void> => {
  logger.addContext(context);
  const store = { db: documents, table: tableName() };
  for (const record of event.Records ?? []) {
    const sesEvent = parseSesEvent(record.Sns.Message);
    if (!sesEvent) {
      logger.warn('SNS message is not an SES event record; dropped', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const outcome = await recordSesEvent(store, sesEvent);
    logger.info('SES event recorded', { eventType: sesEvent.eventType, ...outcome });
    if (outcome.kind === 'bounce') metrics.addMetric('MailBounced', MetricUnit.Count, outcome.suppressed);
    if (outcome.kind === 'complaint') metrics.addMetric('MailComplained', MetricUnit.Count, outcome.suppressed);
    if (outcome.kind === 'soft-bounce') metrics.addMetric('MailSoftBounced', MetricUnit.Count, 1);
  }
  metrics.publishStoredMetrics();
};
