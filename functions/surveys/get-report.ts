import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { surveyReportRoute } from '#shared/surveys/contracts';
import { monthRange } from '#shared/surveys/periods';
import { unitMonthReport } from '#shared/surveys/report';

export const handler = httpRoute(surveyReportRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  const months = monthRange(query.from, query.to ?? query.from);
  return {
    status: 200,
    body: await unitMonthReport(documents, tableName(), params.unitCode, months, { instrument: query.instrument }),
  };
});
