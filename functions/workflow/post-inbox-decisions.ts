import { httpRoute } from '#shared/http/route';
import { inboxDecisionsRoute } from '#shared/workflow/contracts';
import { decideAsSeatHolder } from '#shared/workflow/decide';
import { engineDeps } from '#shared/workflow/deps';

// One after another: each decision closes a stage at most once and signals it; order keeps the audit readable.
export const handler = httpRoute(inboxDecisionsRoute, async ({ body, caller }) => {
  const deps = engineDeps();
  const results = [];
  for (const item of body.items) {
    results.push({
      submissionId: item.submissionId,
      outcome: await decideAsSeatHolder(deps, item, caller, body.decision, body.comment),
    });
  }
  return { status: 200, body: { results } };
});
