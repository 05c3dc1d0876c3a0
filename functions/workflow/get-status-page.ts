import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { submissionStatusPageRoute } from '#shared/workflow/contracts';
import { engineDeps } from '#shared/workflow/deps';
import { statusPage } from '#shared/workflow/pages';
import { progress } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(submissionStatusPageRoute, async ({ params, caller }) => {
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  return { status: 200, html: statusPage(request, await progress(deps, request)) };
});
