import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { openSurveyForm } from '#shared/surveys/form';
import { surveyFormPage } from '#shared/surveys/pages';
import { surveyFormRoute } from '#shared/surveys/public-contracts';

export const handler = httpRoute(surveyFormRoute, async ({ params, query }) => ({
  status: 200,
  html: surveyFormPage(await openSurveyForm(documents, tableName(), params.unitCode, new Date(), query.tiket)),
}));
