import { documents, tableName } from '#shared/aws/clients';
import { consoleTrainingsRoute } from '#shared/console/contracts';
import { csrfToken } from '#shared/console/csrf';
import { noticeOf } from '#shared/console/layout';
import { trainingsPage } from '#shared/console/training-pages';
import { httpRoute } from '#shared/http/route';
import { listTrainings } from '#shared/registrations/trainings';

/** The trainings the caller may see: open ones; admins every status. */
export const visibleTrainings = async (admin: boolean) => {
  const store = { db: documents, table: tableName() };
  const now = new Date();
  const statuses = admin ? (['published', 'draft', 'closed'] as const) : (['published'] as const);
  return (await Promise.all(statuses.map((status) => listTrainings(store, status, now)))).flat();
};

export const handler = httpRoute(consoleTrainingsRoute, async ({ query, caller, event }) => {
  const [trainings, csrf] = await Promise.all([visibleTrainings(caller.groups.includes('admin')), csrfToken(event)]);
  return { status: 200, html: trainingsPage(caller, trainings, csrf, { notice: noticeOf(query.pesan) }) };
});
