import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, type IConstruct } from 'constructs';
import { AbdiFunction, nagNotation } from './function.ts';
import type { Mail } from './mail.ts';
import type { Monitoring } from './monitoring.ts';

export interface WorkflowProps {
  stage: string;
  table: ITable;
  mail: Mail;
  monitoring: Monitoring;
}

/** Lambda errors worth a retry: the service's own, throttling, and a function that threw (a transient failure). */
const RETRYABLE = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.TaskFailed',
];

/**
 * Up to 8 attempts over about three minutes (waits from 2 s doubling, each at most 60 s, full jitter): a step's
 * Lambda gives up within its own deadline when DynamoDB stays throttled, and the machine then waits out the
 * episode instead of failing the execution after four quick attempts (as it did at 60 % throttling).
 */
const retry = (task: sfn.TaskStateBase) =>
  task.addRetry({
    errors: RETRYABLE,
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 8,
    maxDelay: Duration.seconds(60),
    jitterStrategy: sfn.JitterType.FULL,
  });

/**
 * The approval engine: one generic Standard state machine runs every request, whatever its definition. Its input
 * is the submission id only; the database holds the stages, votes and outcome, and the machine sequences and waits:
 *
 *   Advance ─▶ Next? ─ stage ──▶ StageRound (Parallel) ──catch──▶ Advance
 *                    ─ resubmit ▶ ResubmitRound (Parallel) ─catch─▶ Advance
 *                    ─ done ────▶ Done
 *
 * A stage round's branch A waits for a task token (its Lambda stores the token and mails the links), then fails
 * `StageClosed`; branch B waits until `reminderAt`, reminds, waits until `deadlineAt`, then fails `StageDeadline`.
 * Whichever ends first ends the round; Advance reads the real outcome from the table. No TimeoutSecondsPath, no
 * heartbeats. Task functions have stable names, so a deploy never breaks executions in flight.
 */
export class Workflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  /** The step functions, for alarms. */
  readonly functions: Record<string, AbdiFunction>;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    const step = (name: string, entry: string, description: string) => {
      const fn = new AbdiFunction(this, `${name}Function`, {
        entry: `functions/workflow/${entry}.ts`,
        description,
        stage: props.stage,
        functionName: `abdi-${props.stage}-workflow-${entry}`,
        timeout: Duration.seconds(30),
      });
      fn.bindTable(props.table, 'RW');
      props.mail.bindMail(fn);
      return fn;
    };
    const advanceFn = step('Advance', 'advance', 'Approval: reads where a request stands and says what comes next');
    const waitFn = step('WaitTask', 'wait-task', 'Approval: stores a task token, mails the links of a stage');
    const remindFn = step('Remind', 'remind', 'Approval: reminds the seats of a stage that have not decided');
    // A stage decided before its task started is answered by the task itself. The machine's ARN is built from its
    // name: a reference would make the machine (which names the function) and the function's policy depend on
    // each other.
    waitFn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
        resources: [
          Stack.of(this).formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: `abdi-${props.stage}-approval`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.functions = { WorkflowAdvance: advanceFn, WorkflowWaitTask: waitFn, WorkflowRemind: remindFn };

    const advance = new tasks.LambdaInvoke(this, 'Advance', {
      lambdaFunction: advanceFn.fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    retry(advance);

    const waitFor = (name: string, payload: Record<string, unknown>) => {
      const task = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: waitFn.fn,
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: sfn.TaskInput.fromObject({ token: sfn.JsonPath.taskToken, ...payload }),
        resultPath: sfn.JsonPath.DISCARD,
        retryOnServiceExceptions: false,
      });
      // A withdrawal answers the task with the error `Withdrawn`, which States.TaskFailed would match: it must end the
      // round at once, so it comes first, with no retry (retriers are tried in order).
      task.addRetry({ errors: ['Withdrawn'], maxAttempts: 0 });
      retry(task);
      return task;
    };
    const ids = {
      submissionId: sfn.JsonPath.stringAt('$.submissionId'),
      round: sfn.JsonPath.numberAt('$.round'),
      stageIndex: sfn.JsonPath.numberAt('$.stageIndex'),
    };

    const remind = new tasks.LambdaInvoke(this, 'Remind', {
      lambdaFunction: remindFn.fn,
      payload: sfn.TaskInput.fromObject(ids),
      resultPath: sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: false,
    });
    retry(remind);

    const stageRound = new sfn.Parallel(this, 'StageRound', { resultPath: sfn.JsonPath.DISCARD })
      .branch(
        waitFor('WaitForDecision', { kind: 'stage', ...ids }).next(
          new sfn.Fail(this, 'StageClosed', { error: 'StageClosed', cause: 'The stage closed; see the table' }),
        ),
      )
      .branch(
        new sfn.Wait(this, 'UntilReminder', { time: sfn.WaitTime.timestampPath('$.reminderAt') })
          .next(remind)
          .next(new sfn.Wait(this, 'UntilDeadline', { time: sfn.WaitTime.timestampPath('$.deadlineAt') }))
          .next(
            new sfn.Fail(this, 'StageDeadline', { error: 'StageDeadline', cause: 'The stage reached its deadline' }),
          ),
      );
    stageRound.addCatch(advance, { errors: ['States.ALL'], resultPath: '$.error' });

    const resubmitRound = new sfn.Parallel(this, 'ResubmitRound', { resultPath: sfn.JsonPath.DISCARD })
      .branch(
        waitFor('WaitForResubmission', {
          kind: 'resubmit',
          submissionId: sfn.JsonPath.stringAt('$.submissionId'),
        }).next(new sfn.Fail(this, 'Resubmitted', { error: 'Resubmitted', cause: 'Changes were resubmitted' })),
      )
      .branch(
        new sfn.Wait(this, 'UntilResubmitDeadline', { time: sfn.WaitTime.timestampPath('$.deadlineAt') }).next(
          new sfn.Fail(this, 'ResubmitDeadline', { error: 'ResubmitDeadline', cause: 'No resubmission in time' }),
        ),
      );
    resubmitRound.addCatch(advance, { errors: ['States.ALL'], resultPath: '$.error' });

    advance.next(
      new sfn.Choice(this, 'WhatNext')
        .when(sfn.Condition.stringEquals('$.action', 'stage'), stageRound)
        .when(sfn.Condition.stringEquals('$.action', 'resubmit'), resubmitRound)
        .otherwise(new sfn.Succeed(this, 'Done')),
    );

    this.stateMachine = new sfn.StateMachine(this, 'Approval', {
      stateMachineName: `abdi-${props.stage}-approval`,
      definitionBody: sfn.DefinitionBody.fromChainable(advance),
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'abdi approval requests: one generic machine; stages, votes and outcomes live in DynamoDB',
      // Errors only, without execution data: inputs are ids, but task tokens must not reach logs.
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
          removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    const machine = this.stateMachine.node.defaultChild!;
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'The machine logs errors only, without execution data: task tokens travel in task inputs and must never ' +
        'reach a log. What happened to a request is in its audit trail in the table.',
    });
    Validations.of(machine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        'X-Ray adds cost per state transition and shows nothing the audit trail and the function logs do not; ' +
        'failed, timed-out and aborted executions raise alarms.',
    });
    const role = this.stateMachine.role;
    for (const fn of Object.values(this.functions)) {
      const arn = nagNotation(Stack.of(this).resolve(fn.fn.functionArn));
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arn}:*]`,
        reason:
          'Step Functions invokes the step function by ARN and may invoke its versions; the wildcard covers the ' +
          'versions of this one function only.',
      });
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "Delivering the machine's error logs to CloudWatch Logs needs the log-delivery actions, which AWS only " +
        'allows on all resources.',
    });
    props.monitoring.watchStateMachine(this.stateMachine);
    for (const [name, fn] of Object.entries(this.functions)) props.monitoring.watchFunction(name, fn.fn);
  }

  /** Acknowledges the wildcard resources of a grant that `reasonOf` explains (one acknowledgment per resource). */
  private acknowledgeWildcards(
    role: IConstruct,
    statements: readonly PolicyStatement[],
    rule: string,
    reasonOf: (resource: string) => string | undefined,
  ): void {
    const stack = Stack.of(this);
    for (const resource of new Set(
      statements.flatMap((st) => st.resources.map((r) => nagNotation(stack.resolve(r)))),
    )) {
      const reason = reasonOf(resource);
      if (reason) Validations.of(role).acknowledge({ id: `${rule}[Resource::${resource}]`, reason });
    }
  }

  /** Lets a function start approvals. */
  grantStart(fn: AbdiFunction): void {
    this.stateMachine.grantStartExecution(fn.fn);
    fn.fn.addEnvironment('APPROVAL_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
  }

  /** Lets a function answer the machine's task tokens (and, for the reconciler, read and stop executions). */
  grantSignal(fn: AbdiFunction, options: { operate?: boolean } = {}): void {
    this.stateMachine.grantTaskResponse(fn.fn);
    fn.fn.addEnvironment('APPROVAL_STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    if (options.operate) {
      this.stateMachine.grantStartExecution(fn.fn);
      // Executions are named after submissions: their ARNs are known only at run time.
      const grant = this.stateMachine.grantExecution(fn.fn, 'states:DescribeExecution', 'states:StopExecution');
      this.acknowledgeWildcards(fn.fn.role!, grant.principalStatements, 'AwsSolutions-IAM5', (resource) =>
        resource.includes(':execution:')
          ? 'The reconciler describes and stops executions of this one state machine; each is named after a ' +
            'submission, so their ARNs are only known at run time.'
          : undefined,
      );
    }
  }
}
