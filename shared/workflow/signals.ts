import { sfn } from '#shared/aws/sfn';

/**
 * The engine's calls to Step Functions. The database is the source of truth; these only wake the machine. Every
 * call is safe to repeat: a start of an execution that exists, or an answer to a task that is already closed, means
 * "already done" and is reported as such, never thrown.
 */

/** ARN of the approval state machine, from the function's environment (set by the Workflow construct). */
export const stateMachineArn = (): string => {
  const arn = process.env.APPROVAL_STATE_MACHINE_ARN;
  if (!arn) throw new Error('APPROVAL_STATE_MACHINE_ARN is not set for this function');
  return arn;
};

/** The execution ARN of a submission's approval (the execution is named after the submission). */
export const executionArnOf = (submissionId: string): string =>
  `${stateMachineArn().replace(':stateMachine:', ':execution:')}:${submissionId}`;

/** Errors that mean the task the token belonged to is closed: the machine has already moved on. */
const TASK_CLOSED = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** Starts the approval of a submission; `'already'` when its execution exists (a retry, or the reconciler). */
export const startApproval = async (submissionId: string): Promise<'started' | 'already'> => {
  const { sdk, client } = await sfn();
  try {
    await client.send(
      new sdk.StartExecutionCommand({
        stateMachineArn: stateMachineArn(),
        name: submissionId,
        // Ids only: form values never enter execution history.
        input: JSON.stringify({ submissionId }),
      }),
    );
    return 'started';
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return 'already';
    throw error;
  }
};

/** Answers a waiting task: success (a stage closed, a resubmission arrived) or failure with a reason (`Withdrawn`). */
export const signalTask = async (
  taskToken: string,
  signal: { kind: 'success' } | { kind: 'failure'; error: string },
): Promise<'signalled' | 'already'> => {
  const { sdk, client } = await sfn();
  try {
    if (signal.kind === 'success') await client.send(new sdk.SendTaskSuccessCommand({ taskToken, output: '{}' }));
    else await client.send(new sdk.SendTaskFailureCommand({ taskToken, error: signal.error, cause: 'abdi' }));
    return 'signalled';
  } catch (error) {
    if (TASK_CLOSED.has((error as Error).name)) return 'already';
    throw error;
  }
};

/** Whether a submission's execution is running (`'missing'` when it never started). */
export const executionStatus = async (submissionId: string): Promise<string> => {
  const { sdk, client } = await sfn();
  try {
    const answer = await client.send(new sdk.DescribeExecutionCommand({ executionArn: executionArnOf(submissionId) }));
    return answer.status ?? 'UNKNOWN';
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return 'missing';
    throw error;
  }
};

/** Stops an execution that outlived its request (admin aborts and the reconciler only). */
export const stopApproval = async (submissionId: string, cause: string): Promise<void> => {
  const { sdk, client } = await sfn();
  await client.send(
    new sdk.StopExecutionCommand({ executionArn: executionArnOf(submissionId), error: 'Aborted', cause }),
  );
};
