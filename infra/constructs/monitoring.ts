import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
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

  private alarm(id: string, metric: Metric, threshold: number): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
  }
}
