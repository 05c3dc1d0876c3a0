import { documents, tableName } from '#shared/aws/clients';
import { requireOffice } from '#shared/http/auth';
import { httpRoute } from '#shared/http/route';
import { cancelRegistrationRoute } from '#shared/registrations/contracts';
import { cancelRegistration, readRegistration } from '#shared/registrations/registrations';
import { registrationsFor } from '#shared/registrations/views';

export const handler = httpRoute(cancelRegistrationRoute, async ({ params, body, caller }) => {
  const store = { db: documents, table: tableName() };
  const registration = await readRegistration(store, params.submissionId);
  requireOffice(caller, registration.officeCode);
  await cancelRegistration(store, params.submissionId, body.reason, new Date());
  const views = await registrationsFor(store, caller, registration.trainingId, registration.officeCode);
  return { status: 200, body: views.find((v) => v.submissionId === params.submissionId)! };
});
