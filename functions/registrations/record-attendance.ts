import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { recordAttendanceRoute } from '#shared/registrations/contracts';
import { recordAttendance } from '#shared/registrations/registrations';

export const handler = httpRoute(recordAttendanceRoute, async ({ params, body }) => ({
  status: 200,
  body: await recordAttendance(
    { db: documents, table: tableName() },
    params.trainingId,
    params.batch,
    body.date,
    body.nips,
  ),
}));
