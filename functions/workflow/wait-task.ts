import type { Context } from 'aws-lambda';
import { NotFoundError } from '#shared/errors';
import { logger } from '#shared/observability';
import { engineDeps } from '#shared/workflow/deps';
import { awaitResubmission, openStage } from '#shared/workflow/engine';
import { signalTask } from '#shared/workflow/signals';

type WaitEvent =
  | { kind: 'stage'; token: string; submissionId: string; round: number; stageIndex: number }
  | { kind: 'resubmit'; token: string; submissionId: string };

/** The waitForTaskToken tasks: keeps the token in the table (never in a log, a URL or a mail) and sends the links. */
export const handler = async (event: WaitEvent, context: Context) => {
  logger.addContext(context);
  const deps = engineDeps();
  try {
    if (event.kind === 'stage') await openStage(deps, event);
    else await awaitResubmission(deps, event);
    logger.info('waiting for a signal', { submissionId: event.submissionId, kind: event.kind });
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    // The request is gone: let the machine move on, and its next step ends it.
    logger.warn('workflow request not found; not waiting', { submissionId: event.submissionId });
    if (event.token) await signalTask(event.token, { kind: 'success' });
  }
};
