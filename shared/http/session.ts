import { CognitoJwtVerifier } from 'aws-jwt-verify';

/** The staff session cookie: __Host- keeps it on this host, over HTTPS, for every path. */
export const SESSION_COOKIE = '__Host-abdi-session';

// Built lazily (env is read at first use) and kept for the execution environment: it caches the pool's JWKS.
let verifier: ReturnType<typeof CognitoJwtVerifier.create<{ userPoolId: string; tokenUse: 'id'; clientId: string }>>;

const sessionVerifier = () => {
  if (!verifier) {
    const userPoolId = process.env.STAFF_USER_POOL_ID;
    const clientId = process.env.STAFF_WEB_CLIENT_ID;
    if (!userPoolId || !clientId) throw new Error('STAFF_USER_POOL_ID and STAFF_WEB_CLIENT_ID must be set');
    verifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: 'id', clientId });
  }
  return verifier;
};

/** The value of the session cookie among API Gateway's `cookies` (`name=value` strings). */
export const sessionToken = (cookies: string[]): string | undefined => {
  for (const cookie of cookies) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === SESSION_COOKIE) return cookie.slice(eq + 1).trim();
  }
  return undefined;
};

/**
 * The claims of a valid session: the cookie holds the Cognito ID token from the managed-login code exchange,
 * verified here (signature by the pool's keys, issuer, audience = the web client, expiry). Undefined when
 * there is no session or it is not valid.
 */
export const verifySessionCookie = async (cookies: string[]): Promise<Record<string, unknown> | undefined> => {
  const token = sessionToken(cookies);
  if (!token) return undefined;
  try {
    return (await sessionVerifier().verify(token)) as unknown as Record<string, unknown>;
  } catch {
    return undefined;
  }
};
