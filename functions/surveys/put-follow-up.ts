import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { followUpSuggestionRoute } from '#shared/surveys/contracts';
import { followUpSuggestion } from '#shared/surveys/suggestions';

export const handler = httpRoute(followUpSuggestionRoute, async ({ params, body, caller }) => {
  requireOffice(caller, params.unitCode);
  return {
    status: 200,
    body: await followUpSuggestion(
      documents,
      tableName(),
      params.unitCode,
      params.responseId,
      body,
      caller,
      new Date(),
    ),
  };
});
