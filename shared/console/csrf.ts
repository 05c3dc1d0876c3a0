import { createHmac, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { nipHmacKey } from '#shared/aws/secrets';
import { HttpProblem } from '#shared/http/problem';
import { verifySessionCookie } from '#shared/http/session';

/**
 * CSRF protection of the console's forms, on top of the session cookie's SameSite=Lax: every state-changing form
 * carries `_csrf`, an HMAC of the session token's identity (`sub`, `jti`, `iat`) under the NIP HMAC secret (with
 * its own prefix, so the two uses never share a digest). It is the same for the whole session and dies with it;
 * another site can neither read it nor compute it. Nothing is stored.
 */

export const CSRF_FIELD = '_csrf';

const forbidden = () =>
  new HttpProblem(403, 'csrf', 'Formulir ini sudah tidak berlaku', {
    detail: 'Muat ulang halaman lalu kirim kembali. Tidak ada yang diubah.',
  });

const tokenOf = (key: string, claims: Record<string, unknown>): string =>
  createHmac('sha256', key)
    .update(`abdi-csrf\n${String(claims.sub)}\n${String(claims.jti ?? claims.origin_jti ?? '')}\n${String(claims.iat)}`)
    .digest('base64url');

/** The token for the forms of this request's session (the session was verified by the route's middleware). */
export const csrfToken = async (event: APIGatewayProxyEventV2): Promise<string> => {
  const claims = await verifySessionCookie(event.cookies ?? []);
  if (!claims) throw forbidden();
  return tokenOf(await nipHmacKey(), claims);
};

/**
 * Refuses (403, nothing changed) a POST whose `_csrf` is missing or not this session's token.
 * @throws HttpProblem 403
 */
export const requireCsrf = async (
  event: APIGatewayProxyEventV2,
  body: Record<string, string | string[]>,
): Promise<void> => {
  const sent = body[CSRF_FIELD];
  if (typeof sent !== 'string' || sent.length === 0) throw forbidden();
  const expected = Buffer.from(await csrfToken(event));
  const given = Buffer.from(sent);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forbidden();
};
