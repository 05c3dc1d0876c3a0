import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { type RetentionSettings, retentionEnvironment } from '#shared/retention/settings';
import { AbdiFunction } from './function.ts';
import type { Monitoring } from './monitoring.ts';

export interface RetentionProps {
  stage: string;
  table: ITable;
  monitoring: Monitoring;
  /** How long closed submissions, audit trails and survey responses are kept (`shared/retention/settings.ts`). */
  settings: RetentionSettings;
}

/**
 * The retention job: one scheduled function that deletes what the stage's retention settings say is past its time.
 * The settings reach it as environment variables, the one place they are read at run time.
 */
export class Retention extends Construct {
  readonly job: AbdiFunction;

  constructor(scope: Construct, id: string, props: RetentionProps) {
    super(scope, id);
    this.job = new AbdiFunction(this, 'Job', {
      entry: 'functions/operations/retention.ts',
      description: 'Retention: deletes closed submissions, audit trails and survey responses past their retention',
      stage: props.stage,
      // A backlog (after a setting is lowered) takes several runs: each stops a minute before this.
      timeout: Duration.minutes(10),
      environment: retentionEnvironment(props.settings),
    });
    this.job.bindTable(props.table, 'RW');
    new Rule(this, 'Daily', {
      description: 'Runs the abdi retention job',
      // 02:00 WIB (19:00 UTC), when offices are closed.
      schedule: Schedule.cron({ minute: '0', hour: '19' }),
      // A missed day is not retried: the next run finds the same items due.
      targets: [new LambdaFunction(this.job.fn, { retryAttempts: 0 })],
    });
    props.monitoring.watchFunction('Retention', this.job.fn);
  }
}
