import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { surveyTrendRoute } from '#shared/surveys/contracts';
import { unitTrend } from '#shared/surveys/rollups';

export const handler = httpRoute(surveyTrendRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  return { status: 200, body: await unitTrend(documents, tableName(), params.unitCode, query) };
});
