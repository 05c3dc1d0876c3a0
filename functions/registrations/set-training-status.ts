import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { setTrainingStatusRoute } from '#shared/registrations/contracts';
import { setTrainingStatus } from '#shared/registrations/trainings';

export const handler = httpRoute(setTrainingStatusRoute, async ({ params, body }) => ({
  status: 200,
  body: await setTrainingStatus({ db: documents, table: tableName() }, params.trainingId, body.status, new Date()),
}));
