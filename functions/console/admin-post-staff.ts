import { documents, tableName } from '#shared/aws/clients';
import { list, text } from '#shared/console/admin-forms';
import { staffPage } from '#shared/console/admin-pages';
import { consoleAdminStaffActionRoute } from '#shared/console/contracts';
import { csrfToken, requireCsrf } from '#shared/console/csrf';
import { errorsByField, issuesByField } from '#shared/console/layout';
import { InvalidError } from '#shared/errors';
import { HttpProblem } from '#shared/http/problem';
import { httpRoute } from '#shared/http/route';
import { disableStaff, enableStaff, inviteStaff, staffAdminDeps } from '#shared/staff/admin';
import { StaffInvitation } from '#shared/staff/contracts';
import { listMembers } from '#shared/staff/members';

export const handler = httpRoute(consoleAdminStaffActionRoute, async ({ body, caller, event }) => {
  await requireCsrf(event, body);
  const sub = text(body, 'sub');
  switch (body.aksi) {
    case 'nonaktifkan':
      await disableStaff(sub, caller, staffAdminDeps());
      return { status: 303, location: '/konsol/admin/staf?pesan=dinonaktifkan' };
    case 'aktifkan':
      await enableStaff(sub, staffAdminDeps());
      return { status: 303, location: '/konsol/admin/staf?pesan=diaktifkan' };
    case 'undang':
      break;
    default:
      throw new HttpProblem(422, 'validation', 'Tindakan tidak dikenal');
  }
  const posted = {
    email: text(body, 'email'),
    name: text(body, 'nama'),
    officeCode: text(body, 'kantor').toUpperCase(),
    groups: list(body, 'peran'),
  };
  const invitation = StaffInvitation.safeParse(posted);
  let errors: Map<string, string>;
  if (invitation.success) {
    try {
      await inviteStaff(invitation.data, staffAdminDeps());
      return { status: 303, location: '/konsol/admin/staf?pesan=diundang' };
    } catch (error) {
      if (!(error instanceof InvalidError)) throw error;
      errors = errorsByField(error.errors);
    }
  } else errors = issuesByField(invitation.error.issues);
  const [{ members }, csrf] = await Promise.all([
    listMembers({ db: documents, table: tableName() }, { limit: 100 }),
    csrfToken(event),
  ]);
  return { status: 422, html: staffPage(caller, members, csrf, { posted, errors }) };
});
