import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { submitSurveyForm } from '#shared/surveys/form';
import { surveyFormPage, thankYouPage } from '#shared/surveys/pages';
import { submitSurveyFormRoute } from '#shared/surveys/public-contracts';

export const handler = httpRoute(submitSurveyFormRoute, async ({ params, body, client }) => {
  const outcome = await submitSurveyForm(documents, tableName(), params.unitCode, body, new Date(), {
    clientRequestsToday: client?.requestsToday,
  });
  return outcome.kind === 'thanks'
    ? { status: 200, html: thankYouPage(outcome.unit) }
    : { status: outcome.status, html: surveyFormPage(outcome) };
});
