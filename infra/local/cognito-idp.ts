import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { replyAwsJson } from './aws-json.ts';
import type { UserPoolSpec } from './template.ts';

/** A user of a local user pool. */
export interface LocalPoolUser {
  poolId: string;
  /** The username Cognito keeps: generated (equal to `sub`) when the pool signs in by email. */
  username: string;
  sub: string;
  attributes: Record<string, string>;
  enabled: boolean;
  status: 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED';
  groups: string[];
  /** Epoch seconds, as the API reports dates. */
  createdAt: number;
  updatedAt: number;
}

/** The local stand-in for the Cognito user pools' admin API. */
export interface LocalCognitoIdp {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  endpoint: string;
  /** A user by username, `sub` or email, in the given pool or any; a copy. */
  user(usernameOrSub: string, poolId?: string): LocalPoolUser | undefined;
  /** Every user of the pool (or of all pools); copies. */
  users(poolId?: string): LocalPoolUser[];
  /**
   * Adds a confirmed user with a fixed `sub` and its groups, without any email (the demo staff). A user with that
   * `sub` or email is left as it is.
   */
  seedUser(poolId: string, user: { sub: string; email: string; name: string; groups: readonly string[] }): void;
  /** Calls answered so far, per operation. */
  calls(): Record<string, number>;
  stop(): Promise<void>;
}

/** An error as Cognito answers it: HTTP 400, `__type` and `message`. */
class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

// Cognito's own sender and invitation, used when a pool does not send through SES.
const COGNITO_SENDER = 'no-reply@verificationemail.com';
const DEFAULT_INVITATION = {
  emailSubject: 'Your temporary password',
  emailMessage: 'Your username is {username} and temporary password is {####}.',
};
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** A temporary password that satisfies the pool's policy: upper and lower case letters and digits. */
const temporaryPassword = (length: number): string => {
  const groups = ['ABCDEFGHJKLMNPQRSTUVWXYZ', 'abcdefghijkmnopqrstuvwxyz', '23456789'];
  const all = groups.join('');
  const chars = [
    ...groups.map((group) => group[randomInt(group.length)]!),
    ...Array.from({ length: Math.max(length, 12) - groups.length }, () => all[randomInt(all.length)]!),
  ];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Serves the Cognito Identity Provider admin operations staff administration uses (AWS JSON 1.1,
 * `x-amz-target: AWSCognitoIdentityProviderService.<Operation>`) for the template's user pools: AdminCreateUser,
 * AdminGetUser, AdminAddUserToGroup, AdminRemoveUserFromGroup, AdminListGroupsForUser, AdminDisableUser,
 * AdminEnableUser and ListUsers. Errors come as Cognito sends them (`UsernameExistsException`,
 * `UserNotFoundException`, `ResourceNotFoundException` for an unknown pool or group). Users are kept in memory and in
 * `file` when given. Signatures are not checked.
 *
 * AdminCreateUser emails the invitation as Cognito does, through SES: SendEmail to the runtime's SES endpoint (so
 * it lands in the outbox and SES faults apply), from the pool's SES sender with its invitation template, or from
 * Cognito's own sender with Cognito's default message when the pool has no SES configuration.
 */
export const startLocalCognitoIdp = async (options: {
  pools: UserPoolSpec[];
  /** The SES endpoint invitations go through. */
  ses: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  /** Epoch ms (the runtime's clock). */
  now: () => number;
  /** Where users persist. @default in memory */
  file?: string;
}): Promise<LocalCognitoIdp> => {
  const stored: LocalPoolUser[] =
    options.file && existsSync(options.file)
      ? (JSON.parse(readFileSync(options.file, 'utf8')) as { users: LocalPoolUser[] }).users
      : [];
  const users = stored.filter((u) => options.pools.some((p) => p.id === u.poolId));
  const save = () => {
    if (!options.file) return;
    mkdirSync(path.dirname(options.file), { recursive: true });
    writeFileSync(options.file, `${JSON.stringify({ users }, null, 2)}\n`);
  };
  const ses = new SESv2Client({
    endpoint: options.ses.endpoint,
    region: options.ses.region,
    credentials: options.ses.credentials,
  });
  const counts = new Map<string, number>();
  const seconds = () => Math.floor(options.now() / 1000);

  const poolOf = (request: Record<string, unknown>): UserPoolSpec => {
    const id = String(request.UserPoolId ?? '');
    const pool = options.pools.find((p) => p.id === id);
    if (!pool) throw new CognitoError('ResourceNotFoundException', `User pool ${id} does not exist.`);
    return pool;
  };
  // Admin operations take the username, the email (when users sign in by it) or the sub; the pool decides case.
  const find = (pool: UserPoolSpec | undefined, name: string) =>
    users.find((u) => {
      const userPool = pool ?? options.pools.find((p) => p.id === u.poolId);
      if (!userPool || u.poolId !== userPool.id) return false;
      const same = (a: string | undefined) =>
        a !== undefined && (userPool.caseSensitive ? a === name : a.toLowerCase() === name.toLowerCase());
      return (
        same(u.username) ||
        u.sub === name ||
        (userPool.usernameAttributes.includes('email') && same(u.attributes.email))
      );
    });
  const userOf = (pool: UserPoolSpec, request: Record<string, unknown>) => {
    const user = find(pool, String(request.Username ?? ''));
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const groupOf = (pool: UserPoolSpec, request: Record<string, unknown>) => {
    const group = String(request.GroupName ?? '');
    if (!pool.groups.includes(group)) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
    return group;
  };
  const attributeList = (user: LocalPoolUser) =>
    Object.entries({ sub: user.sub, ...user.attributes }).map(([Name, Value]) => ({ Name, Value }));
  const userType = (user: LocalPoolUser, attributesKey: 'Attributes' | 'UserAttributes') => ({
    Username: user.username,
    [attributesKey]: attributeList(user),
    UserCreateDate: user.createdAt,
    UserLastModifiedDate: user.updatedAt,
    Enabled: user.enabled,
    UserStatus: user.status,
  });
  const touch = (user: LocalPoolUser) => {
    user.updatedAt = seconds();
    save();
  };

  const sendInvitation = async (pool: UserPoolSpec, user: LocalPoolUser, password: string) => {
    const viaSes = pool.email.sendingAccount === 'DEVELOPER';
    const template = { ...DEFAULT_INVITATION, ...(viaSes ? pool.invitation : {}) };
    const fill = (text: string) =>
      text.replaceAll('{username}', escapeHtml(user.username)).replaceAll('{####}', escapeHtml(password));
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: viaSes && pool.email.from ? pool.email.from : COGNITO_SENDER,
        Destination: { ToAddresses: [user.attributes.email!] },
        Content: {
          Simple: {
            Subject: { Data: template.emailSubject, Charset: 'UTF-8' },
            Body: { Html: { Data: fill(template.emailMessage), Charset: 'UTF-8' } },
          },
        },
        ...(viaSes && pool.email.configurationSet ? { ConfigurationSetName: pool.email.configurationSet } : {}),
      }),
    );
  };

  const adminCreateUser = async (request: Record<string, unknown>) => {
    const pool = poolOf(request);
    const name = String(request.Username ?? '');
    const byEmail = pool.usernameAttributes.includes('email');
    if (byEmail && !EMAIL.test(name))
      throw new CognitoError('InvalidParameterException', 'Username should be an email.');
    const given: Record<string, string> = Object.fromEntries(
      ((request.UserAttributes ?? []) as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]),
    );
    const mediums = (request.DesiredDeliveryMediums ?? ['SMS']) as string[];
    const password = String(request.TemporaryPassword ?? '') || temporaryPassword(pool.minimumPasswordLength);

    if (request.MessageAction === 'RESEND') {
      const user = userOf(pool, request);
      if (mediums.includes('EMAIL') && user.attributes.email) await sendInvitation(pool, user, password);
      touch(user);
      return { User: userType(user, 'Attributes') };
    }
    if (find(pool, name)) {
      throw new CognitoError(
        'UsernameExistsException',
        byEmail ? 'An account with the given email already exists.' : 'User account already exists',
      );
    }
    const sub = randomUUID();
    // The sub is Cognito's to generate; an email username is also the email attribute.
    const { sub: _ignored, ...attributes }: Record<string, string> = { ...given, ...(byEmail ? { email: name } : {}) };
    const at = seconds();
    const user: LocalPoolUser = {
      poolId: pool.id,
      username: byEmail ? sub : name,
      sub,
      attributes,
      enabled: true,
      status: 'FORCE_CHANGE_PASSWORD',
      groups: [],
      createdAt: at,
      updatedAt: at,
    };
    if (request.MessageAction !== 'SUPPRESS' && mediums.includes('EMAIL') && attributes.email) {
      try {
        await sendInvitation(pool, user, password);
      } catch (error) {
        // The user is not kept: the call failed as a whole, and a retry starts over.
        throw new CognitoError(
          'CodeDeliveryFailureException',
          `Unable to deliver the invitation: ${(error as Error).message}`,
        );
      }
    }
    users.push(user);
    save();
    return { User: userType(user, 'Attributes') };
  };

  const listUsers = (request: Record<string, unknown>) => {
    const pool = poolOf(request);
    // Cognito's filter syntax: `attribute = "value"` (exact) or `attribute ^= "value"` (prefix).
    const filter = /^\s*([\w:]+)\s*(\^?=)\s*"([^"]*)"\s*$/.exec(String(request.Filter ?? ''));
    const matching = users.filter((u) => {
      if (u.poolId !== pool.id) return false;
      if (!filter) return true;
      const [, attribute, operator, value] = filter;
      const actual = attribute === 'username' ? u.username : attribute === 'sub' ? u.sub : u.attributes[attribute!];
      return actual !== undefined && (operator === '=' ? actual === value : actual.startsWith(value!));
    });
    const start = Number(request.PaginationToken ?? 0);
    const limit = Number(request.Limit ?? 60);
    const page = matching.slice(start, start + limit);
    return {
      Users: page.map((u) => userType(u, 'Attributes')),
      ...(start + limit < matching.length ? { PaginationToken: String(start + limit) } : {}),
    };
  };

  const operations: Record<string, (request: Record<string, unknown>) => unknown> = {
    AdminCreateUser: adminCreateUser,
    AdminGetUser: (request) => userType(userOf(poolOf(request), request), 'UserAttributes'),
    AdminAddUserToGroup: (request) => {
      const pool = poolOf(request);
      const group = groupOf(pool, request);
      const user = userOf(pool, request);
      if (!user.groups.includes(group)) user.groups.push(group);
      touch(user);
      return {};
    },
    AdminRemoveUserFromGroup: (request) => {
      const pool = poolOf(request);
      const group = groupOf(pool, request);
      const user = userOf(pool, request);
      user.groups = user.groups.filter((g) => g !== group);
      touch(user);
      return {};
    },
    AdminListGroupsForUser: (request) => {
      const pool = poolOf(request);
      const user = userOf(pool, request);
      const start = Number(request.NextToken ?? 0);
      const limit = Number(request.Limit ?? 60);
      const groups = user.groups.slice(start, start + limit).map((GroupName) => ({
        GroupName,
        UserPoolId: pool.id,
        CreationDate: user.createdAt,
        LastModifiedDate: user.createdAt,
      }));
      return { Groups: groups, ...(start + limit < user.groups.length ? { NextToken: String(start + limit) } : {}) };
    },
    AdminDisableUser: (request) => {
      const user = userOf(poolOf(request), request);
      user.enabled = false;
      touch(user);
      return {};
    },
    AdminEnableUser: (request) => {
      const user = userOf(poolOf(request), request);
      user.enabled = true;
      touch(user);
      return {};
    },
    ListUsers: listUsers,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = /^AWSCognitoIdentityProviderService\.(\w+)$/.exec(String(req.headers['x-amz-target'] ?? ''))?.[1];
    const serve = operation ? operations[operation] : undefined;
    if (req.method !== 'POST' || !operation || !serve) {
      return replyAwsJson(res, 400, {
        __type: 'UnknownOperationException',
        message: `the local Cognito serves ${Object.keys(operations).join(', ')}, not ${operation ?? `${req.method} ${req.url}`}`,
      });
    }
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
    let request: Record<string, unknown>;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return replyAwsJson(res, 400, { __type: 'SerializationException', message: 'the request body is not JSON' });
    }
    try {
      replyAwsJson(res, 200, (await serve(request)) as Record<string, unknown>);
    } catch (error) {
      if (!(error instanceof CognitoError)) throw error;
      replyAwsJson(res, 400, { __type: error.type, message: error.message });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) replyAwsJson(res, 500, { __type: 'InternalErrorException', message: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    user: (name, poolId) => {
      const user = find(poolId ? options.pools.find((p) => p.id === poolId) : undefined, name);
      return user && structuredClone(user);
    },
    users: (poolId) => users.filter((u) => !poolId || u.poolId === poolId).map((u) => structuredClone(u)),
    seedUser: (poolId, seed) => {
      const pool = options.pools.find((p) => p.id === poolId);
      if (!pool) throw new Error(`no user pool ${poolId} in the template`);
      if (find(pool, seed.sub) || find(pool, seed.email)) return;
      const at = seconds();
      users.push({
        poolId,
        username: seed.sub,
        sub: seed.sub,
        attributes: { email: seed.email, email_verified: 'true', name: seed.name },
        enabled: true,
        status: 'CONFIRMED',
        groups: seed.groups.filter((g) => pool.groups.includes(g)),
        createdAt: at,
        updatedAt: at,
      });
      save();
    },
    calls: () => Object.fromEntries(counts),
    stop: async () => {
      ses.destroy();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
};
