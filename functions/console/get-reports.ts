import { documents, tableName } from '#shared/aws/clients';
import { consoleReportsRoute } from '#shared/console/contracts';
import { overviewPage } from '#shared/console/report-pages';
import { httpRoute } from '#shared/http/route';
import { PeriodKey, periodKeyOf } from '#shared/surveys/periods';
import { cityOverview } from '#shared/surveys/rollups';

export const handler = httpRoute(consoleReportsRoute, async ({ query, caller }) => {
  // The city's ranking is the admins'; everyone else reads their own unit.
  if (!caller.groups.includes('admin')) return { status: 303, location: `/konsol/laporan/${caller.officeCode}` };
  const asked = PeriodKey.safeParse(query.periode);
  const period = asked.success ? asked.data : periodKeyOf(new Date(), 'quarter');
  const minimum = query.minimum ?? 30;
  const overview = await cityOverview(documents, tableName(), { period, minResponses: minimum });
  return { status: 200, html: overviewPage(caller, overview, { period, minimum }) };
});
