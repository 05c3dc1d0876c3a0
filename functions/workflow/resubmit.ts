import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { resubmitRoute } from '#shared/workflow/contracts';
import { engineDeps } from '#shared/workflow/deps';
import { resubmit } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(resubmitRoute, async ({ params, body, caller }) => {
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  await resubmit(deps, request, body.values, caller);
  return { status: 200, body: { id: request.id, status: 'submitted' } };
});
