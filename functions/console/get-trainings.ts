import { documents, tableName } from '#shared/aws/clients';
import { consoleTrainingsRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { trainingsPage } from '#shared/console/training-pages';
import { httpRoute } from '#shared/http/route';
import { visibleTrainings } from '#shared/registrations/trainings';

export const handler = httpRoute(consoleTrainingsRoute, async ({ query, caller, event }) => {
  const [trainings, csrf] = await Promise.all([
    visibleTrainings({ db: documents, table: tableName() }, caller.groups.includes('admin'), new Date()),
    csrfToken(event),
  ]);
  return { status: 200, html: trainingsPage(caller, trainings, csrf, { notice: noticeOf(query.pesan) }) };
});
