import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

/** Claims a staff token can carry; the rest (iss, exp, iat, jti...) the issuer fills in. */
export interface StaffIdentity {
  sub: string;
  username?: string;
  email?: string;
  groups?: string[];
}

export interface IssueOptions {
  /** `access` (what API clients send) or `id`. @default access */
  tokenUse?: 'access' | 'id';
  /** @default 3600 */
  expiresInSeconds?: number;
  /** Overrides for negative tests: a wrong issuer or audience, a past expiry, a future nbf. */
  overrides?: Record<string, unknown>;
  /** Issue time in epoch ms. @default the issuer's clock */
  now?: number;
}

export interface LocalIssuer {
  /** The `iss` value: exactly the issuer string the template's authorizer expects. */
  readonly issuer: string;
  readonly clientId: string;
  /** The public keys, as Cognito serves them at `<issuer>/.well-known/jwks.json`. */
  readonly jwks: { keys: JWK[] };
  issue(identity: StaffIdentity, options?: IssueOptions): Promise<string>;
}

/**
 * Stands in for the Cognito user pool: signs RS256 tokens of the same shape Cognito issues (access tokens carry
 * `client_id` and `cognito:groups`, no `aud`; id tokens carry `aud`). The key pair is kept in `keyFile` when given, so
 * tokens printed by one `npm start` still work after a restart.
 */
export const createLocalIssuer = async (options: {
  issuer: string;
  clientId: string;
  now: () => number;
  keyFile?: string;
}): Promise<LocalIssuer> => {
  let privateJwk: JWK;
  if (options.keyFile && existsSync(options.keyFile)) {
    privateJwk = JSON.parse(readFileSync(options.keyFile, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    privateJwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    if (options.keyFile) {
      mkdirSync(path.dirname(options.keyFile), { recursive: true });
      writeFileSync(options.keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d, p, q, dp, dq, qi, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'RS256');

  return {
    issuer: options.issuer,
    clientId: options.clientId,
    jwks: { keys: [publicJwk] },
    async issue(identity, issueOptions = {}) {
      const tokenUse = issueOptions.tokenUse ?? 'access';
      const nowSeconds = Math.floor((issueOptions.now ?? options.now()) / 1000);
      const username = identity.username ?? identity.sub;
      const claims: Record<string, unknown> = {
        sub: identity.sub,
        'cognito:groups': identity.groups ?? [],
        token_use: tokenUse,
        auth_time: nowSeconds,
        origin_jti: randomUUID(),
        event_id: randomUUID(),
        ...(tokenUse === 'access'
          ? { client_id: options.clientId, scope: 'aws.cognito.signin.user.admin', username }
          : { aud: options.clientId, 'cognito:username': username, email: identity.email, email_verified: true }),
        iss: options.issuer,
        iat: nowSeconds,
        exp: nowSeconds + (issueOptions.expiresInSeconds ?? 3600),
        jti: randomUUID(),
        ...issueOptions.overrides,
      };
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid! }).sign(signingKey);
    },
  };
};
