import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { submissionProgressRoute } from '#shared/workflow/contracts';
import { engineDeps } from '#shared/workflow/deps';
import { progress } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(submissionProgressRoute, async ({ params, caller }) => {
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  return { status: 200, body: await progress(deps, request) };
});
