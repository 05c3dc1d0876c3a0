import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { createTrainingRoute } from '#shared/registrations/contracts';
import { createTraining } from '#shared/registrations/trainings';

export const handler = httpRoute(createTrainingRoute, async ({ body, caller, idempotency }) => {
  const id = idempotency?.id ?? ulid();
  return {
    status: 201,
    // The chain's id follows from the training's, so a retry writes the same items (and is refused as a whole).
    body: await createTraining(
      { db: documents, table: tableName() },
      body,
      caller.sub,
      { training: id, workflow: id },
      new Date(),
    ),
  };
});
