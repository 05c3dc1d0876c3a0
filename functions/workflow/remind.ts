import type { Context } from 'aws-lambda';
import { NotFoundError } from '#shared/errors';
import { logger } from '#shared/observability';
import { engineDeps } from '#shared/workflow/deps';
import { remindStage } from '#shared/workflow/engine';

/** Branch B of a stage round: at `reminderAt`, a reminder to every seat that has not decided. */
export const handler = async (event: { submissionId: string; round: number; stageIndex: number }, context: Context) => {
  logger.addContext(context);
  try {
    await remindStage(engineDeps(), event);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    logger.warn('workflow request not found; no reminder', { submissionId: event.submissionId });
  }
  return {};
};
