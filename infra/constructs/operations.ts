import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { AbdiFunction } from './function.ts';
import type { Mail } from './mail.ts';
import type { Monitoring } from './monitoring.ts';

export interface OperationsProps {
  stage: string;
  table: ITable;
  mail: Mail;
  monitoring: Monitoring;
  /** How often the reconciler runs. @default 5 minutes */
  reconcileEvery?: Duration;
}

/** The reconciler: one scheduled function running every repair check, its errors and findings alarmed. */
export class Operations extends Construct {
  readonly reconciler: AbdiFunction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.reconciler = new AbdiFunction(this, 'Reconciler', {
      entry: 'functions/operations/reconcile.ts',
      description: 'Reconciler: repairs what a crash between two steps left (mail not sent, ...)',
      stage: props.stage,
      // Checks share the time and stop starting work well before it ends; shorter than the schedule, so runs rarely
      // overlap (and overlapping runs are safe: every repair is a conditional claim).
      timeout: Duration.minutes(3),
    });
    this.reconciler.bindTable(props.table, 'RW');
    props.mail.bindMail(this.reconciler);

    new Rule(this, 'Schedule', {
      description: 'Runs the abdi reconciler',
      schedule: Schedule.rate(props.reconcileEvery ?? Duration.minutes(5)),
      // A missed run is not retried: the next one comes within minutes and finds the same work.
      targets: [new LambdaFunction(this.reconciler.fn, { retryAttempts: 0 })],
    });
    props.monitoring.watchFunction('Reconciler', this.reconciler.fn);
    props.monitoring.watchReconciler();
  }
}
