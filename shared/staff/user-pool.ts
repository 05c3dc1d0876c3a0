import type { AttributeType, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { cognito } from '#shared/aws/cognito';

/**
 * The staff user pool, as staff administration uses it: Cognito's admin API behind a narrow interface (tests pass
 * fakes). Users are addressed by `sub`: Cognito's admin operations accept it as the username, and it is the key of
 * the directory. The pool signs in by email, so an invitation creates the user under the email.
 */

/** A user of the pool. */
export interface PoolUser {
  sub: string;
  email: string;
  /** False once disabled: the user cannot sign in (tokens already issued stay valid until they expire). */
  enabled: boolean;
  /** `FORCE_CHANGE_PASSWORD` until the invitation's temporary password is replaced, then `CONFIRMED`. */
  status: string;
}

/** What staff administration needs of the user pool. */
export interface StaffUserPool {
  /**
   * Creates the user and has Cognito email the invitation (temporary password and sign-in link). `created` is false
   * when a user with this email already exists: nothing is changed or sent then, and the existing user is returned.
   */
  invite(input: { email: string; name: string }): Promise<{ user: PoolUser; created: boolean }>;
  /** The user by `sub` or email; undefined when there is none. */
  find(username: string): Promise<PoolUser | undefined>;
  /** Makes the user's groups exactly `groups` (adding and removing); false when there is no such user. */
  setGroups(sub: string, groups: readonly string[]): Promise<boolean>;
  /** False when there is no such user. */
  disable(sub: string): Promise<boolean>;
  /** False when there is no such user. */
  enable(sub: string): Promise<boolean>;
}

/** The Cognito SDK (for its command classes) and a client, loaded when first needed. */
type Connect = () => Promise<{
  sdk: typeof import('@aws-sdk/client-cognito-identity-provider');
  client: Pick<CognitoIdentityProviderClient, 'send'>;
}>;

// Matched by name: the error classes differ between SDK copies (a bundle, a test process).
const isError = (error: unknown, name: string) => error instanceof Error && error.name === name;

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

const poolUser = (
  answer: { Username?: string; Enabled?: boolean; UserStatus?: string },
  attributes: AttributeType[] | undefined,
): PoolUser => ({
  sub: attribute(attributes, 'sub') ?? answer.Username ?? '',
  email: attribute(attributes, 'email') ?? '',
  enabled: answer.Enabled !== false,
  status: answer.UserStatus ?? 'UNKNOWN',
});

/** The staff user pool through the Cognito admin API. */
export const cognitoUserPool = (connect: Connect, userPoolId: string): StaffUserPool => {
  // Runs an admin operation on a user; undefined when Cognito knows no such user.
  const onUser = async <T>(operation: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await operation();
    } catch (error) {
      if (isError(error, 'UserNotFoundException')) return undefined;
      throw error;
    }
  };

  const find = async (username: string) => {
    const { sdk, client } = await connect();
    const answer = await onUser(() =>
      client.send(new sdk.AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })),
    );
    return answer && poolUser(answer, answer.UserAttributes);
  };

  const groupsOf = async (sub: string): Promise<string[] | undefined> => {
    const { sdk, client } = await connect();
    const groups: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await onUser(() =>
        client.send(
          new sdk.AdminListGroupsForUserCommand({
            UserPoolId: userPoolId,
            Username: sub,
            Limit: 60,
            NextToken: nextToken,
          }),
        ),
      );
      if (!page) return undefined;
      groups.push(...(page.Groups ?? []).map((g) => g.GroupName ?? ''));
      nextToken = page.NextToken;
    } while (nextToken);
    return groups;
  };

  return {
    async invite({ email, name }) {
      const { sdk, client } = await connect();
      try {
        const { User } = await client.send(
          new sdk.AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            DesiredDeliveryMediums: ['EMAIL'],
            UserAttributes: [
              { Name: 'email', Value: email },
              // The admin vouches for the address: the invitation proves it, and account recovery needs it verified.
              { Name: 'email_verified', Value: 'true' },
              { Name: 'name', Value: name },
            ],
          }),
        );
        return { user: poolUser(User ?? {}, User?.Attributes), created: true };
      } catch (error) {
        if (!isError(error, 'UsernameExistsException')) throw error;
        const user = await find(email);
        if (!user) throw error;
        return { user, created: false };
      }
    },
    find,
    async setGroups(sub, wanted) {
      const current = await groupsOf(sub);
      if (!current) return false;
      const { sdk, client } = await connect();
      for (const group of wanted.filter((g) => !current.includes(g))) {
        await client.send(
          new sdk.AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: sub, GroupName: group }),
        );
      }
      for (const group of current.filter((g) => !wanted.includes(g))) {
        await client.send(
          new sdk.AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: sub, GroupName: group }),
        );
      }
      return true;
    },
    async disable(sub) {
      const { sdk, client } = await connect();
      const done = await onUser(() =>
        client.send(new sdk.AdminDisableUserCommand({ UserPoolId: userPoolId, Username: sub })),
      );
      return done !== undefined;
    },
    async enable(sub) {
      const { sdk, client } = await connect();
      const done = await onUser(() =>
        client.send(new sdk.AdminEnableUserCommand({ UserPoolId: userPoolId, Username: sub })),
      );
      return done !== undefined;
    },
  };
};

/** The deployment's staff user pool (`STAFF_USER_POOL_ID`, set with the IAM grant by `StaffAuth.grantAdmin`). */
export const staffUserPool = (): StaffUserPool => {
  const userPoolId = process.env.STAFF_USER_POOL_ID;
  if (!userPoolId) throw new Error('STAFF_USER_POOL_ID is not set for this function');
  return cognitoUserPool(cognito, userPoolId);
};
