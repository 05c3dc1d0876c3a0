import { request } from 'node:http';
import { expect } from 'vitest';
import type { LocalCloud } from '#infra/local/cloud';
import type { demoStaff } from '#shared/directory/demo-seed';
import { json } from './http.ts';

export type Staff = (typeof demoStaff)[number];

/** Helpers for tests that drive requests through the approval engine of a local cloud. */
export const approvalHelpers = (cloud: () => LocalCloud) => {
  const call = async (who: Staff, method: string, path: string, body?: unknown, key?: string) =>
    fetch(`${cloud().url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await cloud().token({ sub: who.sub, groups: who.groups })}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const ok = async (response: Response, status = 200) => {
    expect(response.status, await response.clone().text()).toBe(status);
    return json(response);
  };

  /** Mail to one address mentioning `text` (a submission id), in the order sent. */
  const mailTo = async (email: string, text: string) =>
    (await cloud().outbox()).filter((m) => m.to.includes(email) && m.text?.includes(text));

  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

  /** The decision link of the newest mail to `email` about the submission (waiting for the machine to mail it). */
  const linkFor = async (email: string, submissionId: string) => {
    // Generous: test files run side by side, and a loaded machine slows the machine's steps down.
    for (let attempt = 0; attempt < 750; attempt++) {
      const link = (await mailTo(email, submissionId))
        .flatMap((m) => m.links)
        .filter((l) => l.includes('/approvals/'))
        .at(-1);
      if (link) return link;
      await cloud().sfn.idle();
      await pause();
    }
    throw new Error(`no link mailed to ${email}`);
  };

  /**
   * POSTs the decision form as a browser would (urlencoded), from `source` (a loopback address: decisions are
   * rate-limited per client address), then lets the machine move.
   */
  const decide = (link: string, form: Record<string, string>, source = '127.0.0.1') =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const body = new URLSearchParams(form).toString();
      const req = request(
        link,
        {
          method: 'POST',
          localAddress: source,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Mozilla/5.0 test',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    }).then(async (answer) => {
      await cloud().sfn.idle();
      return answer;
    });

  const executionOf = (id: string) =>
    cloud()
      .sfn.listExecutions({ stateMachineArn: cloud().system.stateMachines[0]!.arn })
      .then((page) => page.executions?.find((e) => e.name === id)?.status);

  /** Waits (real time, a few seconds at most) until a submission's execution reaches `status`. */
  const settled = async (id: string, status: string) => {
    for (let i = 0; i < 1500; i++) {
      await cloud().sfn.idle();
      if ((await executionOf(id)) === status) return;
      await pause();
    }
    throw new Error(`execution ${id} did not reach ${status}`);
  };

  return { call, ok, mailTo, linkFor, decide, executionOf, settled };
};

/** A loopback address per number (Linux routes all of 127/8 to the loopback interface). */
export const loopback = (n: number): string =>
  `127.${1 + (Math.floor(n / 62_500) % 250)}.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
