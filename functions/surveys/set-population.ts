import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { setSurveyPopulationRoute } from '#shared/surveys/contracts';
import { setSurveyPopulation } from '#shared/surveys/population';

export const handler = httpRoute(setSurveyPopulationRoute, async ({ params, body, caller }) => {
  requireOffice(caller, params.unitCode);
  return {
    status: 200,
    body: await setSurveyPopulation(
      documents,
      tableName(),
      params.unitCode,
      params.period,
      body.population,
      new Date(),
    ),
  };
});
