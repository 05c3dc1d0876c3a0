import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoringProps {
  /** Where alarm notifications are emailed. @default no subscription (subscribe to the topic yourself) */
  alarmEmail?: string;
}

/** Alarms to one SNS topic (API 5xx, unhandled errors, function errors and throttles, ...) and one dashboard. */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  private readonly action: SnsAction;
  private readonly functionErrors: GraphWidget;
  private readonly functionDurations: GraphWidget;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'abdi alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.action = new SnsAction(this.topic);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# abdi\nAPI traffic and errors, functions, mail and the reconciler. Alarms go to the SNS topic.',
        width: 24,
        height: 2,
      }),
    );
    this.functionErrors = new GraphWidget({ title: 'Function errors', width: 12, stacked: true });
    this.functionDurations = new GraphWidget({ title: 'Function duration p99 (ms)', width: 12 });
  }

  watchApi(api: HttpApi): void {
    const period = Duration.minutes(5);
    this.alarm('Api5xx', api.metricServerError({ period, statistic: 'Sum' }), 1);
    // Handlers count errors they turned into a 500 themselves (the gateway sees a normal answer).
    this.alarm('UnhandledErrors', this.countMetric('UnhandledError', period), 1);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        width: 12,
        left: [
          api.metricCount({ period, statistic: 'Sum' }),
          api.metricClientError({ period, statistic: 'Sum' }),
          api.metricServerError({ period, statistic: 'Sum' }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: 12,
        left: [api.metricLatency({ period, statistic: 'p50' }), api.metricLatency({ period, statistic: 'p99' })],
      }),
      this.functionErrors,
      this.functionDurations,
      new GraphWidget({
        title: 'Mail and reconciler',
        width: 24,
        left: [
          'MailFailed',
          'MailBounced',
          'MailComplained',
          'ReconcilerRepaired',
          'ReconcilerFailed',
          'UnhandledError',
        ].map((name) => this.countMetric(name, Duration.hours(1))),
      }),
    );
  }

  watchFunction(id: string, fn: IFunction): void {
    const period = Duration.minutes(5);
    this.alarm(`${id}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), 1);
    this.alarm(`${id}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), 1);
    this.functionErrors.addLeftMetric(fn.metricErrors({ period, statistic: 'Sum', label: id }));
    this.functionDurations.addLeftMetric(fn.metricDuration({ period, statistic: 'p99', label: id }));
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

  /** Approval executions that failed, timed out or were aborted: a request stopped moving. */
  watchStateMachine(machine: IStateMachine): void {
    const period = Duration.minutes(5);
    this.alarm('ApprovalExecutionsFailed', machine.metricFailed({ period, statistic: 'Sum' }), 1);
    this.alarm('ApprovalExecutionsTimedOut', machine.metricTimedOut({ period, statistic: 'Sum' }), 1);
    this.alarm('ApprovalExecutionsAborted', machine.metricAborted({ period, statistic: 'Sum' }), 1);
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
