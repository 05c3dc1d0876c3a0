import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { createSurveyResponseRoute } from '#shared/surveys/public-contracts';
import { recordSurveyResponse } from '#shared/surveys/responses';

export const handler = httpRoute(createSurveyResponseRoute, async ({ params, body, client }) => {
  const receipt = await recordSurveyResponse(documents, tableName(), params.unitCode, body, new Date(), {
    clientRequestsToday: client?.requestsToday,
  });
  return { status: receipt.stored ? 201 : 200, body: receipt };
});
