import { expect } from 'vitest';
import type { LocalCloud } from '#infra/local/cloud';
import type { Staff } from './approvals.ts';

/** The staff console as a browser uses it: one session cookie per staff member, forms posted with the page's token. */
export const consoleHelpers = (cloud: () => LocalCloud) => {
  const sessions = new Map<string, string>();
  const sessionOf = async (who: Staff) => {
    if (!sessions.has(who.sub)) {
      const webClient = cloud().system.functions.find((f) => f.environment.STAFF_WEB_CLIENT_ID)!.environment
        .STAFF_WEB_CLIENT_ID!;
      sessions.set(
        who.sub,
        await cloud().token({ sub: who.sub, groups: who.groups }, { tokenUse: 'id', overrides: { aud: webClient } }),
      );
    }
    return sessions.get(who.sub)!;
  };
  /** A page as a signed-in staff member (or, without one, as a visitor) gets it; redirects are not followed. */
  const get = async (who: Staff | undefined, path: string) => {
    const response = await fetch(`${cloud().url}${path}`, {
      headers: who ? { cookie: `__Host-abdi-session=${await sessionOf(who)}` } : {},
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location'), text: await response.text() };
  };
  const post = async (who: Staff, path: string, fields: Record<string, string | string[]>) => {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) {
      for (const one of Array.isArray(value) ? value : [value]) form.append(name, one);
    }
    const response = await fetch(`${cloud().url}${path}`, {
      method: 'POST',
      headers: {
        cookie: `__Host-abdi-session=${await sessionOf(who)}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      redirect: 'manual',
    });
    const text = await response.text();
    await cloud().sfn.idle();
    return { status: response.status, location: response.headers.get('location'), text };
  };
  /** The CSRF token of a page's forms. */
  const csrfOf = (page: string) => page.match(/name="_csrf" value="([^"]+)"/)![1]!;
  /** Opens the page as a browser, then posts its form with the page's token. */
  const submitFrom = async (
    who: Staff,
    pagePath: string,
    action: string,
    fields: Record<string, string | string[]>,
  ) => {
    const page = await get(who, pagePath);
    expect(page.status, page.text).toBe(200);
    return post(who, action, { _csrf: csrfOf(page.text), ...fields });
  };
  /** The text a user reads: tags dropped, entities decoded, whitespace collapsed. */
  const visible = (page: string) =>
    page
      .replace(/<style>[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
  return { get, post, csrfOf, submitFrom, visible };
};
