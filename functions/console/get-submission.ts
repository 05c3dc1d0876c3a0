import { consoleSubmissionRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { shownValues } from '#shared/console/fields';
import { noticeOf } from '#shared/console/layout';
import { submissionPage } from '#shared/console/office-pages';
import { getForm } from '#shared/forms/forms';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { engineDeps } from '#shared/workflow/deps';
import { progress } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(consoleSubmissionRoute, async ({ params, query, caller, event }) => {
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  const [form, trail, csrf] = await Promise.all([
    getForm(deps, request.formId, request.formVersion),
    progress(deps, request),
    csrfToken(event),
  ]);
  return {
    status: 200,
    html: submissionPage(caller, request, form, trail, csrf, {
      notice: noticeOf(query.pesan),
      values: shownValues(request.values),
    }),
  };
});
