import { createHash, randomBytes } from 'node:crypto';
import { cookieValue } from '#shared/http/cookies';
import { HttpProblem } from '#shared/http/problem';
import { SESSION_COOKIE, verifySessionToken } from '#shared/http/session';

/** The short-lived cookie holding state, PKCE verifier and destination between login and callback. */
export const LOGIN_COOKIE = '__Host-abdi-login';
const SESSION_SECONDS = 8 * 3600;

export interface LoginConfig {
  /** Managed-login domain, e.g. https://abdi-prod-123.auth.ap-southeast-3.amazoncognito.com */
  loginDomain: string;
  clientId: string;
  /** Public base URL of the API (the callback and logout land here). */
  publicBaseUrl: string;
}

/** Login configuration from the function's environment (set by the CDK stack). */
export const loginConfig = (): LoginConfig => {
  const loginDomain = process.env.STAFF_LOGIN_DOMAIN;
  const clientId = process.env.STAFF_WEB_CLIENT_ID;
  const publicBaseUrl = process.env.PUBLIC_BASE_URL;
  if (!loginDomain || !clientId || !publicBaseUrl) {
    throw new Error('STAFF_LOGIN_DOMAIN, STAFF_WEB_CLIENT_ID and PUBLIC_BASE_URL must be set');
  }
  return { loginDomain, clientId, publicBaseUrl: publicBaseUrl.replace(/\/$/, '') };
};

/** Only same-site paths: an open redirect would let a phishing link bounce through our domain. */
export const safeNext = (next: string | undefined): string =>
  next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';

const cookie = (name: string, value: string, maxAgeSeconds: number) =>
  `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;

/** Where to send the browser to sign in, and the cookie that remembers state, verifier and destination. */
export const beginLogin = (config: LoginConfig, next: string | undefined) => {
  const state = randomBytes(16).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = new URL(`${config.loginDomain}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: `${config.publicBaseUrl}/auth/callback`,
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  const remembered = Buffer.from(JSON.stringify({ state, verifier, next: safeNext(next) })).toString('base64url');
  return { location: authorize.toString(), cookie: cookie(LOGIN_COOKIE, remembered, 600) };
};

const readLoginCookie = (cookies: string[]) => {
  const raw = cookieValue(cookies, LOGIN_COOKIE);
  if (!raw) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (typeof value.state === 'string' && typeof value.verifier === 'string' && typeof value.next === 'string') {
      // The cookie is not signed: check the destination again rather than trust it.
      return { state: value.state as string, verifier: value.verifier as string, next: safeNext(value.next) };
    }
  } catch {
    // Not ours, or mangled: treated as absent.
  }
  return undefined;
};

const loginFailed = (detail: string) => new HttpProblem(401, 'login-failed', 'Gagal masuk', { detail });

/**
 * Completes the code flow: the state must match the login cookie, the code is exchanged (with the PKCE verifier)
 * at the token endpoint, the ID token is verified, and becomes the session cookie.
 */
export const completeLogin = async (
  config: LoginConfig,
  query: { code?: string; state?: string; error?: string },
  cookies: string[],
  fetchImpl: typeof fetch = fetch,
) => {
  if (query.error || !query.code || !query.state) throw loginFailed('Proses masuk dibatalkan atau tidak lengkap.');
  const remembered = readLoginCookie(cookies);
  if (!remembered || remembered.state !== query.state) {
    throw loginFailed('Sesi masuk sudah kedaluwarsa. Silakan mulai lagi dari halaman masuk.');
  }
  let tokens: { id_token?: string };
  try {
    const response = await fetchImpl(`${config.loginDomain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code: query.code,
        redirect_uri: `${config.publicBaseUrl}/auth/callback`,
        code_verifier: remembered.verifier,
      }).toString(),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) throw loginFailed('Kode masuk tidak diterima. Silakan coba lagi.');
    tokens = (await response.json()) as { id_token?: string };
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    throw loginFailed('Layanan masuk tidak menjawab. Silakan coba lagi.');
  }
  if (!tokens.id_token || !(await verifySessionToken(tokens.id_token))) {
    throw loginFailed('Token dari layanan masuk tidak sah.');
  }
  return {
    location: remembered.next,
    cookies: [cookie(SESSION_COOKIE, tokens.id_token, SESSION_SECONDS), cookie(LOGIN_COOKIE, '', 0)],
  };
};

/** Clears the session and ends the managed-login session too. */
export const logout = (config: LoginConfig) => {
  const target = new URL(`${config.loginDomain}/logout`);
  target.search = new URLSearchParams({
    client_id: config.clientId,
    logout_uri: `${config.publicBaseUrl}/`,
  }).toString();
  return { location: target.toString(), cookies: [cookie(SESSION_COOKIE, '', 0)] };
};
