import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { AbdiFunction } from './function.ts';
import type { Mail } from './mail.ts';
import type { Monitoring } from './monitoring.ts';

export interface SurveyJobsProps {
  stage: string;
  table: ITable;
  mail: Mail;
  monitoring: Monitoring;
  /** Responses a unit's month needs before it can alert. @default `ALERT_MIN_RESPONSES` of shared/surveys/alerts (30) */
  alertMinResponses?: number;
}

/**
 * Scheduled survey work: the daily low-score alert, at 08:00 WIB (01:00 UTC) so heads read it at the start of the
 * working day; the roll-ups (quarter, semester, year, unit type, city) every 15 minutes, which bounds how stale the
 * overview's figures are.
 */
export class SurveyJobs extends Construct {
  readonly lowScoreAlert: AbdiFunction;
  readonly rollup: AbdiFunction;

  constructor(scope: Construct, id: string, props: SurveyJobsProps) {
    super(scope, id);
    this.lowScoreAlert = new AbdiFunction(this, 'LowScoreAlert', {
      entry: 'functions/surveys/alert-low-scores.ts',
      description: "Survey low-score alert: emails a unit's head once per month when the month so far scores low",
      stage: props.stage,
      timeout: Duration.minutes(2),
      environment:
        props.alertMinResponses === undefined ? {} : { SURVEY_ALERT_MIN_RESPONSES: String(props.alertMinResponses) },
    });
    this.lowScoreAlert.bindTable(props.table, 'RW');
    props.mail.bindMail(this.lowScoreAlert);
    new Rule(this, 'Daily', {
      description: 'Runs the abdi survey low-score alert',
      schedule: Schedule.cron({ minute: '0', hour: '1' }),
      // A missed day is not retried: the next run finds the same month (and alerts once).
      targets: [new LambdaFunction(this.lowScoreAlert.fn, { retryAttempts: 0 })],
    });
    props.monitoring.watchFunction('SurveyLowScoreAlert', this.lowScoreAlert.fn);

    this.rollup = new AbdiFunction(this, 'Rollup', {
      entry: 'functions/surveys/rollup.ts',
      description: "Survey roll-ups: recomputes the current month's periods per unit, unit type and city",
      stage: props.stage,
      timeout: Duration.minutes(5),
    });
    this.rollup.bindTable(props.table, 'RW');
    new Rule(this, 'Rollups', {
      description: 'Runs the abdi survey roll-up job',
      schedule: Schedule.rate(Duration.minutes(15)),
      // A failed run is not retried: the next one recomputes the same periods whole.
      targets: [new LambdaFunction(this.rollup.fn, { retryAttempts: 0 })],
    });
    props.monitoring.watchFunction('SurveyRollup', this.rollup.fn);
  }
}
