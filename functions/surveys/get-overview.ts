import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { surveyOverviewRoute } from '#shared/surveys/contracts';
import { cityOverview } from '#shared/surveys/rollups';

export const handler = httpRoute(surveyOverviewRoute, async ({ query }) => ({
  status: 200,
  body: await cityOverview(documents, tableName(), query),
}));
