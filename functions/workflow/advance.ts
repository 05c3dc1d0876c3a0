import type { Context } from 'aws-lambda';
import { NotFoundError } from '#shared/errors';
import { logger } from '#shared/observability';
import { engineDeps } from '#shared/workflow/deps';
import { advance, type StepOutput } from '#shared/workflow/engine';

/** State machine step: where does the request stand, and what does the machine do next. */
export const handler = async (
  event: { submissionId: string; error?: { Error?: string } },
  context: Context,
): Promise<StepOutput> => {
  logger.addContext(context);
  try {
    const output = await advance(engineDeps(), event.submissionId, event.error?.Error);
    logger.info('workflow advanced', {
      submissionId: event.submissionId,
      after: event.error?.Error,
      action: output.action,
    });
    return output;
  } catch (error) {
    // A request that no longer exists (removed by an admin, or retention) has nothing left to run.
    if (!(error instanceof NotFoundError)) {
      // The machine retries the step, then fails the execution (alarmed); say why here.
      logger.error('workflow step failed', { submissionId: event.submissionId, error });
      throw error;
    }
    logger.warn('workflow request not found; ending', { submissionId: event.submissionId });
    return { submissionId: event.submissionId, action: 'done' };
  }
};
