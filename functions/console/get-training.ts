import { documents, tableName } from '#shared/aws/clients';
import { consoleTrainingRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { trainingPage } from '#shared/console/training-pages';
import { NotFoundError } from '#shared/errors';
import type { Caller } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { getTraining } from '#shared/registrations/trainings';
import { participantsOf, registrationsFor } from '#shared/registrations/views';

/** What the training page shows the caller: everything for admins, their office's nominations for the others. */
export const trainingPageData = async (caller: Caller, trainingId: string) => {
  const store = { db: documents, table: tableName() };
  const admin = caller.groups.includes('admin');
  const training = await getTraining(store, trainingId, new Date());
  if (training.status === 'draft' && !admin) throw new NotFoundError('Pelatihan tidak ditemukan');
  const [registrations, batchLists] = await Promise.all([
    registrationsFor(store, caller, trainingId, undefined),
    admin
      ? Promise.all(
          training.batches.map(async (b) => {
            const { participants, waitlist } = await participantsOf(store, caller, trainingId, b.batch);
            return { batch: b.batch, participants, waitlist };
          }),
        )
      : Promise.resolve([]),
  ]);
  return { training, registrations, batchLists };
};

export const handler = httpRoute(consoleTrainingRoute, async ({ params, query, caller, event }) => {
  const [data, csrf] = await Promise.all([trainingPageData(caller, params.trainingId), csrfToken(event)]);
  return {
    status: 200,
    html: trainingPage(caller, data.training, data.registrations, data.batchLists, csrf, {
      notice: noticeOf(query.pesan),
    }),
  };
});
