import { documents, tableName } from '#shared/aws/clients';
import { consoleUnitReportRoute } from '#shared/console/contracts';
import { issuesByField } from '#shared/console/layout';
import { unitReportPage } from '#shared/console/report-pages';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { monthRange, wibMonthOf } from '#shared/surveys/periods';
import { unitMonthReport } from '#shared/surveys/report';
import { unitTrend } from '#shared/surveys/rollups';
import { ReportQuery } from '#shared/surveys/schemas';

export const handler = httpRoute(consoleUnitReportRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  // Default: this WIB year so far.
  const now = wibMonthOf(new Date());
  const asked = { from: query.dari || `${now.slice(0, 4)}-01`, to: query.sampai || now };
  const months = ReportQuery.safeParse(asked);
  if (!months.success) {
    const errors = issuesByField(months.error.issues);
    return { status: 422, html: unitReportPage(caller, params.unitCode, asked, { errors }) };
  }
  const { from, to = from } = months.data;
  const [report, trend] = await Promise.all([
    unitMonthReport(documents, tableName(), params.unitCode, monthRange(from, to)),
    unitTrend(documents, tableName(), params.unitCode, { from, to }),
  ]);
  return { status: 200, html: unitReportPage(caller, params.unitCode, asked, { report, trend }) };
});
