import { consoleSubmissionActionRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { valuesFromPost } from '#shared/console/fields';
import { errorsByField } from '#shared/console/layout';
import { submissionPage } from '#shared/console/office-pages';
import { InvalidError } from '#shared/errors';
import { getForm } from '#shared/forms/forms';
import { requireOffice } from '#shared/http/auth';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { engineDeps } from '#shared/workflow/deps';
import { progress, resubmit, withdraw } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(consoleSubmissionActionRoute, async ({ params, body, caller, event }) => {
  await requireCsrf(event, body);
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  const page = `/konsol/pengajuan/${request.id}`;
  if (body.aksi === 'tarik') {
    const reason = typeof body.alasan === 'string' ? body.alasan.trim().slice(0, 1000) : '';
    await withdraw(deps, request, caller, reason || undefined);
    return { status: 303, location: `${page}?pesan=ditarik` };
  }
  if (body.aksi !== 'ajukan-ulang') throw new HttpProblem(422, 'validation', 'Tindakan tidak dikenal');
  const form = await getForm(deps, request.formId, request.formVersion);
  const values = valuesFromPost(form.fields, body);
  try {
    await resubmit(deps, request, values, caller);
    return { status: 303, location: `${page}?pesan=diajukan-ulang` };
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    const [trail, csrf] = await Promise.all([progress(deps, request), csrfToken(event)]);
    return {
      status: 422,
      html: submissionPage(caller, request, form, trail, csrf, {
        values,
        errors: errorsByField(error.errors, 'values.'),
      }),
    };
  }
});
