import { PageQuery } from '#shared/directory/paging';
import { UnitCode } from '#shared/directory/schemas';
import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';

/**
 * Staff accounts, for admins: invitations (a user pool user, its groups and a directory entry), listings, disabling
 * and enabling, group changes. The user pool decides who can sign in and which groups tokens carry; the directory
 * decides, on every request, who is staff and in which office.
 */

const tags = ['staff'];

// The user pool's groups (infra/constructs/auth.ts), as `Role` in shared/http/auth.ts.
const ROLES = ['admin', 'operator', 'unit-head'] as const;

export const StaffGroup = z.enum(ROLES, { error: `Peran harus salah satu dari: ${ROLES.join(', ')}` });

const StaffGroups = z
  .pipe(
    z.array(StaffGroup).check(z.minLength(1, 'Pilih paling sedikit satu peran'), z.maxLength(ROLES.length)),
    z.transform((groups: z.output<typeof StaffGroup>[]) => [...new Set(groups)]),
  )
  .check(z.meta({ description: 'Cognito groups: admin, operator, unit-head' }));

export const StaffInvitation = z
  .object({
    email: z
      .pipe(
        z.email('Alamat email tidak valid').check(z.maxLength(254)),
        z.transform((email: string) => email.toLowerCase()),
      )
      .check(z.meta({ description: 'Where Cognito sends the invitation; the staff member signs in with it' })),
    name: z
      .string()
      .check(
        z.trim(),
        z.minLength(3, 'Nama paling sedikit 3 karakter'),
        z.maxLength(200, 'Nama paling banyak 200 karakter'),
      ),
    officeCode: UnitCode.check(
      z.meta({ description: 'An active unit of the directory: the office the member works for' }),
    ),
    groups: StaffGroups,
  })
  .check(z.meta({ id: 'StaffInvitation' }));

export const StaffMemberSchema = z
  .object({
    sub: z.string().check(z.meta({ description: 'The Cognito `sub`: the key of the member' })),
    name: z.string(),
    email: z.string(),
    officeCode: z.string(),
    groups: z
      .array(z.string())
      .check(z.meta({ description: 'As last set through this API (tokens carry the pool’s)' })),
    status: z.enum(['active', 'disabled']),
    createdAt: z.string(),
    updatedAt: z.optional(z.string()),
  })
  .check(z.meta({ id: 'StaffMember' }));

const StaffParams = z.object({
  sub: z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'ID staf tidak valid'),
      z.meta({ description: 'The Cognito `sub` of the member' }),
    ),
});

const refused = {
  401: { description: 'No valid bearer token' },
  403: { description: 'Not an active staff member, or not an admin' },
} as const;

export const inviteStaffRoute = defineRoute({
  method: 'POST',
  path: '/staff',
  auth: 'jwt',
  roles: ['admin'],
  idempotent: true,
  summary:
    'Invite a staff member: Cognito creates the user and emails a temporary password with the sign-in link, the ' +
    'user joins the groups, then the directory entry is written (which is what grants access). Send an ' +
    'Idempotency-Key; a retry after a failure completes the same invitation without a second user or email.',
  tags,
  request: { body: StaffInvitation },
  responses: {
    201: {
      description: 'Invited (or an earlier attempt of the same invitation completed)',
      body: z.object({
        member: StaffMemberSchema,
        invitationSent: z
          .boolean()
          .check(z.meta({ description: 'False when the user existed already: no email this time' })),
      }),
    },
    409: { description: 'The email belongs to a staff member with other data, or the key is in use' },
    422: { description: 'Invalid fields, or the office is not an active unit' },
    ...refused,
  },
});

export const listStaffRoute = defineRoute({
  method: 'GET',
  path: '/staff',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Staff members by name: all, or those of one office',
  tags,
  request: { query: z.extend(PageQuery, { officeCode: z.optional(UnitCode) }) },
  responses: {
    200: {
      description: 'One page of staff; `next` is the cursor of the next page',
      body: z.object({ staff: z.array(StaffMemberSchema), next: z.optional(z.string()) }),
    },
    ...refused,
  },
});

export const disableStaffRoute = defineRoute({
  method: 'POST',
  path: '/staff/{sub}/disable',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    'Disable a staff member: their requests are refused at once (every request checks the directory, whatever ' +
    'their token says), and Cognito stops them signing in. Repeating it changes nothing.',
  tags,
  request: { params: StaffParams },
  responses: {
    200: { description: 'Disabled', body: StaffMemberSchema },
    404: { description: 'No such staff member' },
    409: { description: 'An admin cannot disable themselves' },
    ...refused,
  },
});

export const enableStaffRoute = defineRoute({
  method: 'POST',
  path: '/staff/{sub}/enable',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Enable a disabled staff member again: Cognito lets them sign in, and their requests are accepted.',
  tags,
  request: { params: StaffParams },
  responses: {
    200: { description: 'Enabled', body: StaffMemberSchema },
    404: { description: 'No such staff member' },
    409: { description: 'The member has no user in the user pool (invite them again)' },
    ...refused,
  },
});

export const setStaffGroupsRoute = defineRoute({
  method: 'PUT',
  path: '/staff/{sub}/groups',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    "Set a staff member's groups (replacing them) in Cognito and the directory. Tokens already issued keep their " +
    'old groups until they expire (API tokens 1 hour, page sessions 8 hours): to cut access at once, disable the ' +
    'member instead.',
  tags,
  request: { params: StaffParams, body: z.object({ groups: StaffGroups }) },
  responses: {
    200: { description: 'The member with the new groups', body: StaffMemberSchema },
    404: { description: 'No such staff member' },
    409: { description: 'An admin cannot take the admin group from themselves, or the member has no pool user' },
    422: { description: 'Unknown or no groups' },
    ...refused,
  },
});
