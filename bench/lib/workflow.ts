import type { LocalCloud } from '#infra/local/cloud';
import type { demoStaff } from '#shared/directory/demo-seed';
import { type HttpAnswer, send } from './http.ts';

/** Helpers for benchmarks that drive requests through the approval engine of the local runtime. */

export type Staff = (typeof demoStaff)[number];

/** A staff member's call to the API: a bearer token of the template's user pool (one per member, cached). */
export const staffCaller = (cloud: LocalCloud) => {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (who: Staff) => {
    let token = tokens.get(who.sub);
    if (!token) {
      token = cloud.token({ sub: who.sub, groups: who.groups });
      tokens.set(who.sub, token);
    }
    return token;
  };
  return async (who: Staff, method: string, path: string, body?: unknown): Promise<HttpAnswer> =>
    send(`${cloud.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      headers: {
        authorization: `Bearer ${await tokenOf(who)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
};

/** The JSON body of an answer with the expected status; anything else throws with the status and body. */
export const expectJson = <T = Record<string, unknown>>(answer: HttpAnswer, status: number, what: string): T => {
  if (answer.status !== status) {
    throw new Error(`${what}: HTTP ${answer.status} (expected ${status}): ${answer.body.slice(0, 300)}`);
  }
  return JSON.parse(answer.body) as T;
};

/**
 * POSTs a decision on an email link as a browser would (urlencoded), from `source`: a loopback address of its own,
 * because decisions are rate-limited per client address (as each approver's own browser would be on AWS).
 */
export const decide = (link: string, decision: 'approve' | 'reject', source: string): Promise<HttpAnswer> => {
  const body = new URLSearchParams({ decision }).toString();
  return send(link, {
    method: 'POST',
    body,
    localAddress: source,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mozilla/5.0 abdi-bench' },
  });
};

/**
 * Decision links in the local outbox, by approver email and submission id (the newest link wins): one read of the
 * outbox. Submission ids come from the "Nomor pengajuan" line every approval mail carries.
 */
export const decisionLinks = async (cloud: LocalCloud): Promise<Map<string, Map<string, string>>> => {
  const byEmail = new Map<string, Map<string, string>>();
  for (const mail of await cloud.outbox()) {
    const id = /Nomor pengajuan: ([0-9A-Z]{26})/.exec(mail.text ?? '')?.[1];
    const link = mail.links.find((l) => l.includes('/approvals/'));
    if (!id || !link) continue;
    for (const to of mail.to) {
      const links = byEmail.get(to) ?? new Map<string, string>();
      links.set(id, link);
      byEmail.set(to, links);
    }
  }
  return byEmail;
};

/** Waits until `email` was mailed a decision link for every id in `ids`; answers those links. */
export const waitForLinks = async (
  cloud: LocalCloud,
  email: string,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const links = (await decisionLinks(cloud)).get(email) ?? new Map<string, string>();
    const missing = ids.filter((id) => !links.has(id));
    if (missing.length === 0) return links;
    if (Date.now() > deadline) {
      throw new Error(`${missing.length} of ${ids.length} decision links never reached ${email} (e.g. ${missing[0]})`);
    }
    await pause(250);
  }
};

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, at most `limit` at a time; results in item order. */
export const pool = async <T, R>(items: readonly T[], limit: number, work: (item: T, i: number) => Promise<R>) => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
};

/** Every execution of the approval state machine, with start and stop dates (the emulator's, on the runtime clock). */
export const executions = async (cloud: LocalCloud) => {
  const arn = cloud.system.stateMachines[0]?.arn;
  if (!arn) throw new Error('the template has no state machine');
  const all: { name: string; status: string; startDate: Date; stopDate?: Date }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cloud.sfn.listExecutions({ stateMachineArn: arn, maxResults: 1000, nextToken });
    for (const e of page.executions ?? []) {
      all.push({
        name: e.name!,
        status: e.status!,
        startDate: new Date(e.startDate!),
        ...(e.stopDate ? { stopDate: new Date(e.stopDate) } : {}),
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return new Map(all.map((e) => [e.name, e]));
};

/** Counts of a list of values, e.g. HTTP statuses: `{ "200": 998, "409": 2 }`. */
export const tally = (values: readonly (string | number)[]): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
};
