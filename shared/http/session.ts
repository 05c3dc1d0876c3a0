import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { cookieValue } from './cookies.ts';

/** The staff session cookie: __Host- keeps it on this host, over HTTPS, for every path. */
export const SESSION_COOKIE = '__Host-abdi-session';

// Built lazily (env is read at first use) and kept for the execution environment: it caches the pool's JWKS.
let verifier: ReturnType<typeof JwtVerifier.create<{ issuer: string; audience: string; jwksUri: string }>>;

const sessionVerifier = () => {
  if (!verifier) {
    const issuer = process.env.STAFF_ISSUER;
    const jwksUri = process.env.STAFF_JWKS_URI;
    const audience = process.env.STAFF_WEB_CLIENT_ID;
    if (!issuer || !jwksUri || !audience) {
      throw new Error('STAFF_ISSUER, STAFF_JWKS_URI and STAFF_WEB_CLIENT_ID must be set');
    }
    // The JWKS is fetched with the platform's fetch (the library's own fetcher speaks only https; the local runtime
    // serves the pool's keys over http on 127.0.0.1).
    const jwksCache = new SimpleJwksCache({
      fetcher: {
        fetch: async (uri: string) => (await fetch(uri, { signal: AbortSignal.timeout(3000) })).arrayBuffer(),
      },
    });
    verifier = JwtVerifier.create({ issuer, audience, jwksUri }, { jwksCache });
  }
  return verifier;
};

/** The session token among API Gateway's `cookies`. */
export const sessionToken = (cookies: readonly string[]): string | undefined => cookieValue(cookies, SESSION_COOKIE);

/**
 * The claims of a valid session token: the Cognito ID token from the managed-login code exchange, verified here
 * (signature by the pool's keys, issuer, audience = the web client, expiry, token use). Undefined when invalid.
 */
export const verifySessionToken = async (token: string): Promise<Record<string, unknown> | undefined> => {
  try {
    const claims = (await sessionVerifier().verify(token)) as unknown as Record<string, unknown>;
    return claims.token_use === 'id' ? claims : undefined;
  } catch {
    return undefined;
  }
};

/** The claims of the session cookie, if there is a valid one. */
export const verifySessionCookie = async (cookies: string[]): Promise<Record<string, unknown> | undefined> => {
  const token = sessionToken(cookies);
  return token ? verifySessionToken(token) : undefined;
};
