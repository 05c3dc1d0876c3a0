import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { html } from '#shared/pages/html';
import { page } from '#shared/pages/layout';
import type { LocalIssuer } from './issuer.ts';

/** A staff member the local login offers (read from the directory the runtime's table holds). */
export interface LocalStaffUser {
  sub: string;
  name: string;
  email: string;
  groups: string[];
  officeCode: string;
}

interface PendingCode {
  user: LocalStaffUser;
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
};

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

/**
 * Stands in for Cognito's managed login and token endpoint, locally: `/_local/cognito-login/oauth2/authorize`
 * shows the directory's staff to sign in as (no passwords: a developer machine), issues an authorization code
 * bound to the client, redirect URI and PKCE challenge; `/oauth2/token` exchanges it for tokens of the shape Cognito
 * issues, signed by the local issuer; `/logout` returns to the logout URI; `/_local/cognito-idp/<pool>/.well-known/
 * jwks.json` serves the keys. Function environments point here (see `localizeEndpoint` in template.ts).
 */
export const cognitoStandIn = (options: {
  issuer: LocalIssuer;
  localUrl: string;
  /** The pool's app clients with their registered callback and logout URLs. */
  clients: { id: string; callbackUrls: string[]; logoutUrls: string[] }[];
  listStaff: () => Promise<LocalStaffUser[]>;
  now: () => number;
  /**
   * The user pool's view of a user (the Cognito admin API's stand-in): disabled users are refused, and tokens carry
   * the pool's groups. @default none: directory groups, nobody refused
   */
  account?: (sub: string) => { enabled: boolean; groups: string[] } | undefined;
}) => {
  const codes = new Map<string, PendingCode>();

  const authorizeParams = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scope'];

  // As Cognito: a redirect must be one of the client's registered URLs, exactly.
  const client = (id: string) => options.clients.find((c) => c.id === id);
  const validRedirect = (clientId: string, uri: string | null) =>
    !!uri && !!client(clientId)?.callbackUrls.includes(uri);
  const validLogout = (clientId: string, uri: string | null) => !!uri && !!client(clientId)?.logoutUrls.includes(uri);

  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', options.localUrl);
    const path = url.pathname;

    const jwks = /^\/_local\/cognito-idp\/[\w-]+\/\.well-known\/jwks\.json$/.exec(path);
    if (jwks) {
      sendJson(res, 200, options.issuer.jwks);
      return true;
    }
    if (!path.startsWith('/_local/cognito-login/')) return false;
    const route = path.slice('/_local/cognito-login'.length);

    if (route === '/oauth2/authorize' && req.method === 'GET') {
      const clientId = url.searchParams.get('client_id') ?? '';
      if (!validRedirect(clientId, url.searchParams.get('redirect_uri'))) {
        sendJson(res, 400, { error: 'invalid_request' });
        return true;
      }
      const staff = await options.listStaff();
      const hidden = authorizeParams.map(
        (name) => html`<input type="hidden" name="${name}" value="${url.searchParams.get(name) ?? ''}">`,
      );
      const body = html`<h1>Masuk (lokal)</h1>
<p>Pengganti halaman login Cognito di mesin pengembang: pilih staf dari direktori.</p>
<form method="post" action="/_local/cognito-login/login">
${hidden}
<fieldset><legend>Staf</legend>
${staff.map(
  (user, i) =>
    html`<p><label><input type="radio" name="sub" value="${user.sub}"${i === 0 ? html` checked` : ''}> ${user.name} — ${user.groups.join(', ')} (${user.officeCode})</label></p>`,
)}
</fieldset>
<p><button type="submit">Masuk</button></p>
</form>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page({ title: 'Masuk (lokal)', body, privacyLink: false }));
      return true;
    }

    if (route === '/login' && req.method === 'POST') {
      const form = await readForm(req);
      const clientId = form.get('client_id') ?? '';
      const redirectUri = form.get('redirect_uri');
      const user = (await options.listStaff()).find((u) => u.sub === form.get('sub'));
      if (!user || !validRedirect(clientId, redirectUri)) {
        sendJson(res, 400, { error: 'invalid_request' });
        return true;
      }
      const account = options.account?.(user.sub);
      if (account && !account.enabled) {
        // Managed login says "User is disabled." and issues no code.
        res.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(
          page({
            title: 'Akun dinonaktifkan',
            body: html`<h1>Akun dinonaktifkan</h1><p>Akun ${user.name} telah dinonaktifkan. Hubungi administrator.</p>`,
            privacyLink: false,
          }),
        );
        return true;
      }
      const code = randomBytes(24).toString('base64url');
      codes.set(code, {
        user: account ? { ...user, groups: account.groups } : user,
        clientId,
        redirectUri: redirectUri!,
        codeChallenge: form.get('code_challenge') || undefined,
        expiresAt: options.now() + 5 * 60_000,
      });
      const target = new URL(redirectUri!);
      target.searchParams.set('code', code);
      const state = form.get('state');
      if (state) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() });
      res.end();
      return true;
    }

    if (route === '/oauth2/token' && req.method === 'POST') {
      const form = await readForm(req);
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code);
      const verifier = form.get('code_verifier') ?? '';
      const challengeOk =
        !pending?.codeChallenge || createHash('sha256').update(verifier).digest('base64url') === pending.codeChallenge;
      if (
        form.get('grant_type') !== 'authorization_code' ||
        !pending ||
        pending.expiresAt < options.now() ||
        pending.clientId !== form.get('client_id') ||
        pending.redirectUri !== form.get('redirect_uri') ||
        !challengeOk
      ) {
        sendJson(res, 400, { error: 'invalid_grant' });
        return true;
      }
      const identity = {
        sub: pending.user.sub,
        username: pending.user.email,
        email: pending.user.email,
        groups: pending.user.groups,
      };
      const expiresIn = 8 * 3600;
      sendJson(res, 200, {
        id_token: await options.issuer.issue(identity, {
          tokenUse: 'id',
          expiresInSeconds: expiresIn,
          overrides: { aud: pending.clientId },
        }),
        access_token: await options.issuer.issue(identity, {
          expiresInSeconds: expiresIn,
          overrides: { client_id: pending.clientId },
        }),
        token_type: 'Bearer',
        expires_in: expiresIn,
      });
      return true;
    }

    if (route === '/logout' && req.method === 'GET') {
      const logoutUri = url.searchParams.get('logout_uri');
      const clientId = url.searchParams.get('client_id') ?? '';
      if (!validLogout(clientId, logoutUri)) {
        sendJson(res, 400, { error: 'invalid_request', error_description: 'logout_uri is not registered' });
        return true;
      }
      res.writeHead(302, { location: logoutUri! });
      res.end();
      return true;
    }

    sendJson(res, 404, { error: 'not_found' });
    return true;
  };
};
