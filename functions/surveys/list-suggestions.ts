import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { listSuggestionsRoute } from '#shared/surveys/contracts';
import { listSuggestions } from '#shared/surveys/suggestions';

export const handler = httpRoute(listSuggestionsRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  return { status: 200, body: await listSuggestions(documents, tableName(), params.unitCode, query) };
});
