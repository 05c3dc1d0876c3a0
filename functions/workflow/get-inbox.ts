import { httpRoute } from '#shared/http/route';
import { inboxRoute } from '#shared/workflow/contracts';
import { engineDeps } from '#shared/workflow/deps';
import { listInbox } from '#shared/workflow/inbox';

export const handler = httpRoute(inboxRoute, async ({ query, caller }) => ({
  status: 200,
  body: { items: await listInbox(engineDeps(), caller.email, query) },
}));
