import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { launchBrowser } from '#test/support/browser';

let cloud: LocalCloud;
let browser: Browser;

beforeAll(async () => {
  [cloud, browser] = await Promise.all([
    startLocalCloud({ app: 'test/fixtures/platform-app/app.ts', accessKeyId: 'stafflogin', seed: true }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await cloud?.stop();
});

describe('staff sign-in in a browser', () => {
  it('reaches a staff page through the local login with the session cookie only, then signs out', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const authorizationHeaders: string[] = [];
    page.on('request', (request) => {
      const header = request.headers().authorization;
      if (header) authorizationHeaders.push(header);
    });

    await page.goto(`${cloud.url}/auth/login?next=/staff/page`);
    expect(page.url()).toContain('/_local/cognito-login/oauth2/authorize');
    await page.getByLabel(/Siti Aminah/).check();
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.waitForURL(`${cloud.url}/staff/page`);
    expect(await page.locator('h1').textContent()).toBe('Halo, Siti Aminah');
    expect(authorizationHeaders).toEqual([]);

    const session = (await context.cookies()).find((c) => c.name === '__Host-abdi-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect((await context.cookies()).find((c) => c.name === '__Host-abdi-login')).toBeUndefined();

    // Signing out clears the cookie; the page then refuses.
    const logout = await page.request.post(`${cloud.url}/auth/logout`, { maxRedirects: 0 });
    expect(logout.status()).toBe(302);
    expect((await context.cookies()).find((c) => c.name === '__Host-abdi-session')).toBeUndefined();
    const again = await page.request.get(`${cloud.url}/staff/page`, { maxRedirects: 0 });
    expect(again.status()).toBe(303);
    await context.close();
  });

  it('refuses a callback whose state does not match the login cookie', async () => {
    const response = await fetch(`${cloud.url}/auth/callback?code=abc&state=forged`, { redirect: 'manual' });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie') ?? '').not.toContain('__Host-abdi-session=ey');
  });

  it('refuses a forged session cookie', async () => {
    const forged = await cloud.token({ sub: 'dev-admin', groups: ['admin'] }, { tokenUse: 'id' });
    const response = await fetch(`${cloud.url}/staff/page`, {
      headers: { cookie: `__Host-abdi-session=${forged}` },
      redirect: 'manual',
    });
    // An id token for the API client, not the web client: wrong audience, so no session.
    expect(response.status).toBe(303);
  });

  it('never redirects after sign-in to another site', async () => {
    const response = await fetch(`${cloud.url}/auth/login?next=//evil.example.com/x`, { redirect: 'manual' });
    const remembered = response.headers.get('set-cookie')!.match(/__Host-abdi-login=([^;]+)/)![1]!;
    expect(JSON.parse(Buffer.from(remembered, 'base64url').toString()).next).toBe('/');
  });
});
