import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { exportCsvRoute } from '#shared/surveys/contracts';
import { exportOf, toCsv } from '#shared/surveys/exports';

export const handler = httpRoute(exportCsvRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  const { sheets, fileName } = await exportOf(documents, tableName(), params.unitCode, query, 'csv');
  return {
    status: 200,
    html: toCsv(sheets),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${fileName}"`,
    },
  };
});
