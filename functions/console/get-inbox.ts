import { documents, tableName } from '#shared/aws/clients';
import { consoleInboxRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { inboxPage } from '#shared/console/training-pages';
import { httpRoute } from '#shared/http/route';
import { listTrainings } from '#shared/registrations/trainings';
import { engineDeps } from '#shared/workflow/deps';
import { listInbox } from '#shared/workflow/inbox';

export const handler = httpRoute(consoleInboxRoute, async ({ query, caller, event }) => {
  const filter = {
    ...(query.pelatihan ? { trainingId: query.pelatihan } : {}),
    ...(query.angkatan ? { batch: Number(query.angkatan) } : {}),
  };
  const [entries, trainings, csrf] = await Promise.all([
    listInbox(engineDeps(), caller.email, { formId: filter.trainingId, batch: filter.batch }),
    listTrainings({ db: documents, table: tableName() }, 'published', new Date()),
    csrfToken(event),
  ]);
  return { status: 200, html: inboxPage(caller, entries, trainings, filter, csrf, { notice: noticeOf(query.pesan) }) };
});
