import { documents, tableName } from '#shared/aws/clients';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { listTrainingsRoute } from '#shared/registrations/contracts';
import { listTrainings } from '#shared/registrations/trainings';

export const handler = httpRoute(listTrainingsRoute, async ({ query, caller }) => {
  if (query.status !== 'published' && !caller.groups.includes('admin')) {
    throw new HttpProblem(403, 'forbidden', 'Hanya admin yang dapat melihat pelatihan yang belum diterbitkan');
  }
  return {
    status: 200,
    body: { items: await listTrainings({ db: documents, table: tableName() }, query.status, new Date()) },
  };
});
