import { documents, tableName } from '#shared/aws/clients';
import { NotFoundError } from '#shared/errors';
import { httpRoute } from '#shared/http/route';
import { getTrainingRoute } from '#shared/registrations/contracts';
import { getTraining } from '#shared/registrations/trainings';

export const handler = httpRoute(getTrainingRoute, async ({ params, caller }) => {
  const training = await getTraining({ db: documents, table: tableName() }, params.trainingId, new Date());
  // Drafts are the admins' business.
  if (training.status === 'draft' && !caller.groups.includes('admin'))
    throw new NotFoundError('Pelatihan tidak ditemukan');
  return { status: 200, body: training };
});
