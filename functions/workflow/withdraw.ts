import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { withdrawRoute } from '#shared/workflow/contracts';
import { engineDeps } from '#shared/workflow/deps';
import { withdraw } from '#shared/workflow/requests';
import { readRequest } from '#shared/workflow/state';

export const handler = httpRoute(withdrawRoute, async ({ params, body, caller }) => {
  const deps = engineDeps();
  const request = await readRequest(deps, params.submissionId);
  requireOffice(caller, request.officeCode);
  await withdraw(deps, request, caller, body.reason);
  return { status: 200, body: { id: request.id, status: 'withdrawn' } };
});
