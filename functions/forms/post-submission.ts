import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { submitFormRoute } from '#shared/forms/contracts';
import { submitForm } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';
import { logger } from '#shared/observability';
import { startApproval } from '#shared/workflow/signals';

export const handler = httpRoute(submitFormRoute, async ({ params, body, caller, idempotency }) => {
  const submission = await submitForm(
    { db: documents, table: tableName() },
    params.formId,
    body.values,
    caller,
    idempotency?.id ?? ulid(),
    new Date(),
  );
  if (submission.workflowId) {
    // Written first, started second: if the start fails, the reconciler starts it (the submission carries a marker).
    await startApproval(submission.id).catch((error: Error) =>
      logger.warn('approval not started; the reconciler will start it', {
        submissionId: submission.id,
        error: error.name,
      }),
    );
  }
  return { status: 201, body: submission };
});
