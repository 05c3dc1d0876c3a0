import { documents, tableName } from '#shared/aws/clients';
import { toXlsx } from '#shared/exports/xlsx';
import { httpRoute } from '#shared/http/route';
import { participantsXlsxRoute } from '#shared/registrations/contracts';
import { participantSheets, participantsOf } from '#shared/registrations/views';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// The workbook travels base64-encoded (API Gateway decodes it); errors (problem+json) stay plain.
export const handler = httpRoute(participantsXlsxRoute, async ({ params, caller }) => {
  const list = await participantsOf({ db: documents, table: tableName() }, caller, params.trainingId, params.batch);
  const workbook = await toXlsx(
    participantSheets(list.batch, list.participants, list.waitlist, list.attendance),
    new Date(),
  );
  return {
    status: 200,
    html: workbook.toString('base64'),
    headers: {
      'content-type': XLSX,
      'content-disposition': `attachment; filename="peserta-${params.trainingId}-angkatan-${params.batch}.xlsx"`,
    },
  };
}).after((request) => {
  if (request.response?.statusCode === 200) request.response.isBase64Encoded = true;
});
