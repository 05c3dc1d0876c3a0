import { httpRoute } from '#shared/http/route';
import { inboxDecisionsRoute } from '#shared/workflow/contracts';
import { decideAsSeatHolderEach } from '#shared/workflow/decide';
import { engineDeps } from '#shared/workflow/deps';

// One after another: each decision closes a stage at most once and signals it; order keeps the audit readable.
export const handler = httpRoute(inboxDecisionsRoute, async ({ body, caller }) => {
  const results = await decideAsSeatHolderEach(engineDeps(), body.items, caller, body.decision, body.comment);
  return {
    status: 200,
    body: { results: results.map(({ ref, outcome }) => ({ submissionId: ref.submissionId, outcome })) },
  };
});
