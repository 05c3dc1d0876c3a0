import { routeTable } from '#shared/http/router';
import { handler as disableStaff } from './disable-staff.ts';
import { handler as enableStaff } from './enable-staff.ts';
import { handler as inviteStaff } from './invite-staff.ts';
import { handler as listStaff } from './list-staff.ts';
import { handler as setStaffGroups } from './set-staff-groups.ts';

/** Staff accounts: invitations and access. */
export const handler = routeTable(inviteStaff, listStaff, disableStaff, enableStaff, setStaffGroups);
