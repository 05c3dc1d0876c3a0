import { documents, tableName } from '#shared/aws/clients';
import { toXlsx } from '#shared/exports/xlsx';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { exportXlsxRoute } from '#shared/surveys/contracts';
import { exportOf } from '#shared/surveys/exports';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The workbook travels base64-encoded (API Gateway decodes it): the route answers its bytes as base64 text and this
// last step marks a successful answer as such. Errors (problem+json) stay plain.
export const handler = httpRoute(exportXlsxRoute, async ({ params, query, caller }) => {
  requireOffice(caller, params.unitCode);
  const { sheets, fileName } = await exportOf(documents, tableName(), params.unitCode, query, 'xlsx');
  return {
    status: 200,
    html: (await toXlsx(sheets, new Date())).toString('base64'),
    headers: { 'content-type': XLSX, 'content-disposition': `attachment; filename="${fileName}"` },
  };
}).after((request) => {
  if (request.response?.statusCode === 200) request.response.isBase64Encoded = true;
});
