import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { consoleSubmitRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { valuesFromPost } from '#shared/console/fields';
import { errorsByField } from '#shared/console/layout';
import { fillPage } from '#shared/console/office-pages';
import { InvalidError } from '#shared/errors';
import { getForm, submitForm } from '#shared/forms/forms';
import { notFound } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { logger } from '#shared/observability';
import { startApproval } from '#shared/workflow/signals';

export const handler = httpRoute(consoleSubmitRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  const store = { db: documents, table: tableName() };
  const form = await getForm(store, params.formId);
  if (form.status !== 'published') throw notFound('Formulir tidak ditemukan');
  const values = valuesFromPost(form.fields, body);
  try {
    const submission = await submitForm(store, form.id, values, caller, ulid(), new Date());
    if (submission.workflowId) {
      // Written first, started second: if the start fails, the reconciler starts it (the submission carries a marker).
      await startApproval(submission.id).catch((error: Error) =>
        logger.warn('approval not started; the reconciler will start it', {
          submissionId: submission.id,
          error: error.name,
        }),
      );
    }
    return { status: 303, location: `/konsol/pengajuan/${submission.id}?pesan=terkirim` };
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    const errors = errorsByField(error.errors, 'values.');
    return { status: 422, html: fillPage(caller, form, await csrfToken(event), values, errors) };
  }
});
