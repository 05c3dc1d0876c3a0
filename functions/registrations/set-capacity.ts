import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { setCapacityRoute } from '#shared/registrations/contracts';
import { setCapacity } from '#shared/registrations/registrations';
import { batchView } from '#shared/registrations/trainings';

export const handler = httpRoute(setCapacityRoute, async ({ params, body }) => {
  const now = new Date();
  const { batch, promoted } = await setCapacity(
    { db: documents, table: tableName() },
    params.trainingId,
    params.batch,
    body.capacity,
    now,
  );
  return { status: 200, body: { batch: batchView(batch, now), promoted } };
});
