import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Where alarm notifications are emailed. @default no subscription (subscribe to the topic yourself) */
  alarmEmail?: string;
}

/** Alarms to one SNS topic: API 5xx, function errors and throttles. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'abdi alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
  }

  watchApi(api: HttpApi): void {
    this.alarm('Api5xx', api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
  }

  watchFunction(id: string, fn: IFunction): void {
    this.alarm(`${id}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
    this.alarm(`${id}Throttles`, fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 1);
  }

  /**
   * The reconciler's findings: any repair that failed (mail given up, SES failing), and repairs that keep coming (the
   * in-request path is broken: "nothing failed" is not "nothing stuck"). Totals over all checks, so new checks are
   * covered as they are added.
   */
  watchReconciler(): void {
    this.alarm('ReconcilerFailures', this.countMetric('ReconcilerFailed', Duration.minutes(5)), 1);
    this.alarm('ReconcilerRepairs', this.countMetric('ReconcilerRepaired', Duration.hours(1)), 5);
  }

  /**
   * Mail given up on (after its last attempt, or refused by SES), and bounced or complained-about mail (recipients
   * are suppressed; a wrong directory address needs a person).
   */
  watchMail(): void {
    this.alarm('MailFailed', this.countMetric('MailFailed', Duration.minutes(5)), 1);
    this.alarm('MailBounced', this.countMetric('MailBounced', Duration.hours(1)), 1);
    this.alarm('MailComplained', this.countMetric('MailComplained', Duration.hours(1)), 1);
  }

  // Metrics the functions publish through Powertools: namespace and `service` dimension as AbdiFunction sets them.
  private countMetric(metricName: string, period: Duration): Metric {
    return new Metric({
      namespace: 'abdi',
      metricName,
      dimensionsMap: { service: 'abdi' },
      period,
      statistic: 'Sum',
    });
  }

  private alarm(id: string, metric: Metric, threshold: number, evaluationPeriods = 1): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
  }
}
