import type { Logger } from '@aws-lambda-powertools/logger';
import { documents, tableName } from '#shared/aws/clients';
import { createStaff } from '#shared/directory/staff';
import { getUnit } from '#shared/directory/units';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { logger } from '#shared/observability';
import { getMember, type StaffMember, type StaffStore, updateMember } from './members.ts';
import { type StaffUserPool, staffUserPool } from './user-pool.ts';

/**
 * Staff administration: invitations, disabling and enabling, group changes. Each keeps two systems in step, the
 * user pool (who can sign in, and the groups their tokens carry) and the directory (who is staff, in which office,
 * active or not: checked on every request). Neither has transactions with the other, so every operation is written
 * to converge when retried after failing half-way, and ordered so that a half-done state never grants more access
 * than intended.
 */

/** Everything staff administration talks to. */
export interface StaffAdminDeps extends StaffStore {
  pool: StaffUserPool;
  now(): Date;
  log: Pick<Logger, 'info' | 'warn'>;
}

/** The dependencies from the function's environment (table, user pool). */
export const staffAdminDeps = (): StaffAdminDeps => ({
  db: documents,
  table: tableName(),
  pool: staffUserPool(),
  now: () => new Date(),
  log: logger,
});

/** An invitation: who, in which office, with which groups. */
export interface Invitation {
  /** Lower case. */
  email: string;
  name: string;
  officeCode: string;
  groups: readonly string[];
}

const sameGroups = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((group) => b.includes(group));

/** Whether a directory entry is what this invitation would have written (an earlier attempt of it). */
const isThisInvitation = (member: StaffMember, invitation: Invitation) =>
  member.status === 'active' &&
  member.email.toLowerCase() === invitation.email &&
  member.name === invitation.name &&
  member.officeCode === invitation.officeCode &&
  sameGroups(member.groups, invitation.groups);

const alreadyStaff = () =>
  new ConflictError(
    'Email ini sudah terdaftar sebagai staf dengan data lain. Ubah peran atau status staf itu, bukan mengundang ulang.',
  );

/**
 * Invites a staff member: the user pool user (Cognito emails the temporary password and the sign-in link), its
 * groups, then the directory entry, in that order. The directory entry comes last because it is what grants access:
 * until it exists, the new user's tokens are refused (403 `not-staff`) whatever Cognito says.
 *
 * Retried after failing half-way (say the user was created but the directory write failed), it converges: the
 * existing user is found by email (`UsernameExistsException` → AdminGetUser) and its `sub` reused, groups are set to
 * those asked for, and the directory entry is written once (`attribute_not_exists`); an entry already equal to this
 * invitation counts as done. An email that belongs to a staff member with other data is a conflict, refused before
 * anything is changed. Cognito sends the invitation only when it creates the user, so a retry sends none.
 */
export const inviteStaff = async (
  invitation: Invitation,
  deps: StaffAdminDeps,
): Promise<{ member: StaffMember; invitationSent: boolean }> => {
  const unit = await getUnit(deps.db, deps.table, invitation.officeCode);
  if (unit?.status !== 'active') {
    throw new InvalidError('Kantor staf harus unit yang aktif di direktori', {
      errors: [
        {
          field: 'officeCode',
          message: unit ? `Unit ${unit.code} sudah diarsipkan` : `Unit ${invitation.officeCode} tidak ditemukan`,
        },
      ],
    });
  }

  const { user, created } = await deps.pool.invite({ email: invitation.email, name: invitation.name });
  if (!created) {
    const existing = await getMember(deps, user.sub);
    if (existing && !isThisInvitation(existing, invitation)) throw alreadyStaff();
    deps.log.info('invited user already in the user pool; completing the invitation', {
      sub: user.sub,
      inDirectory: existing !== undefined,
    });
  }
  if (!(await deps.pool.setGroups(user.sub, invitation.groups))) {
    throw new Error('the invited user vanished from the user pool before its groups were set');
  }
  const written = await createStaff(
    deps.db,
    deps.table,
    {
      sub: user.sub,
      name: invitation.name,
      email: invitation.email,
      officeCode: invitation.officeCode,
      groups: [...invitation.groups],
    },
    deps.now(),
  );
  const member = await getMember(deps, user.sub);
  if (!member || (!written && !isThisInvitation(member, invitation))) throw alreadyStaff();
  return { member, invitationSent: created };
};

const noSuchMember = () => new NotFoundError('Staf tidak ditemukan');

const noPoolUser = () =>
  new ConflictError(
    'Akun masuk staf ini tidak ada di kumpulan pengguna (Cognito). Undang ulang staf ini dengan email yang sama.',
  );

/**
 * Disables a staff member: the directory first, which refuses their requests at once (every request reads it,
 * whatever the token's expiry), then the user pool, so they cannot sign in again. Retrying converges; a member
 * without a pool user is disabled all the same (there is nothing to sign in with).
 */
export const disableStaff = async (
  sub: string,
  caller: { sub: string },
  deps: StaffAdminDeps,
): Promise<StaffMember> => {
  if (sub === caller.sub) throw new ConflictError('Anda tidak dapat menonaktifkan akun Anda sendiri.');
  const member = await updateMember(deps, sub, { status: 'disabled' }, deps.now());
  if (!(await deps.pool.disable(sub))) deps.log.warn('disabled staff member has no user in the pool', { sub });
  return member;
};

/**
 * Enables a staff member: the user pool first (they can sign in again), then the directory (their requests are
 * accepted again). Half-done, they can sign in but are still refused: never more access than intended.
 */
export const enableStaff = async (sub: string, deps: StaffAdminDeps): Promise<StaffMember> => {
  if (!(await getMember(deps, sub))) throw noSuchMember();
  if (!(await deps.pool.enable(sub))) throw noPoolUser();
  return updateMember(deps, sub, { status: 'active' }, deps.now());
};

/**
 * Sets a staff member's groups: in the user pool (what new tokens carry, and what roles are checked against), then
 * mirrored in the directory. Tokens issued before keep their old groups until they expire (at most the token
 * validity: 1 hour for API tokens, 8 hours for page sessions). An admin cannot take the admin group from themselves.
 */
export const setStaffGroups = async (
  sub: string,
  groups: readonly string[],
  caller: { sub: string },
  deps: StaffAdminDeps,
): Promise<StaffMember> => {
  if (sub === caller.sub && !groups.includes('admin')) {
    throw new ConflictError('Anda tidak dapat mencabut peran admin dari akun Anda sendiri.');
  }
  if (!(await getMember(deps, sub))) throw noSuchMember();
  if (!(await deps.pool.setGroups(sub, groups))) throw noPoolUser();
  return updateMember(deps, sub, { groups }, deps.now());
};
