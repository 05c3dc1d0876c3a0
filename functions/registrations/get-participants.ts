import { documents, tableName } from '#shared/aws/clients';
import { toCsv } from '#shared/exports/sheets';
import { httpRoute } from '#shared/http/route';
import { participantsRoute } from '#shared/registrations/contracts';
import { participantSheets, participantsOf } from '#shared/registrations/views';

export const handler = httpRoute(participantsRoute, async ({ params, query, caller }) => {
  const list = await participantsOf({ db: documents, table: tableName() }, caller, params.trainingId, params.batch);
  if (query.format === 'json')
    return { status: 200, body: { participants: list.participants, waitlist: list.waitlist } };
  return {
    status: 200,
    html: toCsv(participantSheets(list.batch, list.participants, list.waitlist, list.attendance)),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="peserta-${params.trainingId}-angkatan-${params.batch}.csv"`,
    },
  };
});
