import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import type { FunctionSpec } from '#infra/local/types';
import { mailKey, suppressionKeys } from '#shared/db/keys';
import { listMail, MailCursorError, resendMail } from '#shared/mail/admin';
import {
  deliver,
  deliverAfterCommit,
  getMail,
  MAIL_POLICY,
  type MailDeps,
  type MailItem,
  type OutgoingMail,
  outboxItem,
} from '#shared/mail/outbox';
import { addressHash, unsuppressRecipient } from '#shared/mail/suppression';
import { sesBounce, sesComplaint, snsEvent } from '#test/support/ses-events';

let cloud: LocalCloud;
let documents: DynamoDBDocumentClient;
let table: string;
let reconciler: FunctionSpec;
let sesEvents: FunctionSpec;
let deps: MailDeps;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'mailoutbox' });
  documents = DynamoDBDocumentClient.from(cloud.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  table = cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;
  reconciler = cloud.system.functions.find((f) => f.logicalId.startsWith('OperationsReconcilerFn'))!;
  sesEvents = cloud.system.functions.find((f) => f.logicalId.startsWith('MailSesEventsFn'))!;
  // The test process delivers with the settings the template gives the functions, on the runtime's clock.
  const ses = new SESv2Client({
    region: cloud.env.AWS_REGION,
    endpoint: cloud.env.AWS_ENDPOINT_URL_SESV2,
    credentials: { accessKeyId: 'mailoutbox', secretAccessKey: 'local' },
  });
  deps = {
    db: documents,
    table,
    sendEmail: (input, { timeoutMs }) =>
      ses.send(new SendEmailCommand(input), { abortSignal: AbortSignal.timeout(timeoutMs) }),
    from: reconciler.environment.MAIL_FROM!,
    configurationSet: reconciler.environment.SES_CONFIGURATION_SET!,
    now: () => new Date(cloud.clock.now()),
    log: silent as unknown as MailDeps['log'],
  };
});

afterAll(async () => {
  await cloud?.stop();
});

afterEach(() => {
  cloud.faults.ses.failureRate = 0;
});

let counter = 0;
/** A notice with a subject unique to this test run, so the outbox can be searched by it. */
const notice = (to: string[], overrides: Partial<OutgoingMail<'notice'>> = {}): OutgoingMail<'notice'> => {
  counter += 1;
  return {
    to,
    template: 'notice',
    data: {
      subject: `Pemberitahuan ${counter}-${Math.random().toString(36).slice(2, 8)}`,
      paragraphs: ['Permohonan Anda sedang diproses.'],
      action: { label: 'Lihat permohonan', path: `/permohonan/${counter}` },
      officeName: 'BKPSDM Kota Palembang',
    },
    ...overrides,
  };
};

const now = () => new Date(cloud.clock.now());

/** Commits the mail with a state change in one transaction, as a capability does; returns the entries. */
const commitWithMail = async (mail: OutgoingMail<'notice'>) => {
  const entry = outboxItem(mail, now(), { table, publicBaseUrl: reconciler.environment.PUBLIC_BASE_URL });
  const entries = [
    { Put: { TableName: table, Item: { PK: `TEST#${entry.Put.Item.id}`, SK: 'STATE', state: 'submitted' } } },
    entry,
  ];
  await documents.send(new TransactWriteCommand({ TransactItems: entries }));
  return { entries, id: entry.Put.Item.id, subject: entry.Put.Item.subject };
};

const item = async (id: string) => (await getMail(deps, id))!;

const invokeReconciler = async () => {
  const result = await cloud.lambda.invoke(reconciler.functionName, {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: now().toISOString(),
    region: 'ap-southeast-3',
    resources: ['arn:aws:events:ap-southeast-3:000000000000:rule/abdi-dev-OperationsSchedule'],
    detail: {},
  });
  if (!result.ok) throw new Error(`reconciler failed: ${result.errorType} ${result.errorMessage}`);
  return (result.payload as { checks: { name: string; found: number; repaired: number; failed: number }[] }).checks;
};

const invokeSesEvents = async (event: object) => {
  const result = await cloud.lambda.invoke(sesEvents.functionName, event);
  if (!result.ok) throw new Error(`on-ses-event failed: ${result.errorType} ${result.errorMessage}`);
};

const captured = async (subject: string) => (await cloud.outbox()).filter((mail) => mail.subject === subject);

describe('sending after commit', () => {
  it('sends the mail of a committed transaction at once, with its link absolute on the public base URL', async () => {
    const { entries, id, subject } = await commitWithMail(notice(['kepala.dinas@palembang.go.id']));
    expect(await deliverAfterCommit(entries, deps)).toEqual({ [id]: 'sent' });

    const [mail, ...others] = await captured(subject);
    expect(others).toHaveLength(0);
    expect(mail?.to).toEqual(['kepala.dinas@palembang.go.id']);
    expect(mail?.from).toBe(reconciler.environment.MAIL_FROM);
    expect(mail?.links).toContain(`${reconciler.environment.PUBLIC_BASE_URL}/permohonan/${counter}`);
    const stored = await item(id);
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, sesMessageId: mail?.id, GSI1PK: 'MAIL_STATUS#sent' });
    expect(stored.leaseUntil).toBeUndefined();
    expect(stored.ttl).toBeGreaterThan(Date.now() / 1000 + 89 * 86_400);
  });

  it('drops the body of mail carrying a secret once sent, and keeps it otherwise', async () => {
    const secret = await commitWithMail(notice(['penyetuju@palembang.go.id'], { containsSecret: true }));
    const plain = await commitWithMail(notice(['penyetuju@palembang.go.id']));
    // Entries as shared/db/transact takes them ({ put }) work as well as TransactWriteItems entries ({ Put }).
    await deliverAfterCommit([{ put: secret.entries[1]!.Put! }, ...plain.entries], deps);
    const secretItem = await item(secret.id);
    expect(secretItem.status).toBe('sent');
    expect(secretItem.text).toBeUndefined();
    expect(secretItem.html).toBeUndefined();
    expect((await item(plain.id)).html).toContain('<html');
  });

  it('never sends twice when several senders race for the same mail', async () => {
    const { entries, id, subject } = await commitWithMail(notice(['sekretariat@palembang.go.id']));
    const put = entries[1]!.Put!.Item as MailItem;
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => deliver({ ...put }, deps)));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(7);
    expect(await captured(subject)).toHaveLength(1);
    expect((await item(id)).attempts).toBe(1);
  });
});

describe('the reconciler', () => {
  it('sends every mail eventually and none twice while half of all SES calls fail', async () => {
    const mails = await Promise.all(
      Array.from({ length: 30 }, (_, i) => commitWithMail(notice([`pegawai${i}@palembang.go.id`]))),
    );
    cloud.faults.ses.failureRate = 0.5;
    // Half the requests send after commit; the other half "crash" right after committing.
    const atOnce = await deliverAfterCommit(
      mails.slice(0, 15).flatMap((m) => m.entries),
      deps,
    );
    const sentAtOnce = Object.values(atOnce).filter((o) => o === 'sent').length;

    let passes = 0;
    const pending = async () => {
      const items = await Promise.all(mails.map((m) => item(m.id)));
      return items.filter((i) => i.status !== 'sent');
    };
    const runs: { found: number; repaired: number; failed: number }[] = [];
    while ((await pending()).length > 0 && passes < 40) {
      cloud.clock.advance(5 * 60_000); // the schedule's rate
      const [mail] = await invokeReconciler();
      runs.push(mail!);
      passes += 1;
    }

    expect(await pending()).toEqual([]);
    const items = await Promise.all(mails.map((m) => item(m.id)));
    const outbox = await cloud.outbox();
    for (const stored of items) {
      const copies = outbox.filter((mail) => mail.subject === stored.subject);
      expect(copies, stored.subject).toHaveLength(1);
      expect(copies[0]?.id).toBe(stored.sesMessageId);
    }
    const attempts = items.reduce((sum, i) => sum + i.attempts, 0);
    console.log(
      `[mail] 30 mails at SES failure rate 0.5: ${sentAtOnce}/15 sent at once, ${attempts} attempts in all ` +
        `(max ${Math.max(...items.map((i) => i.attempts))} for one mail), ${passes} reconciler passes, ` +
        `repairs per pass ${JSON.stringify(runs.map((r) => r.repaired))}, failed attempts per pass ${JSON.stringify(runs.map((r) => r.failed))}`,
    );
  });

  it('leaves mail inside its grace period to the request that committed it', async () => {
    const { id, subject } = await commitWithMail(notice(['grace@palembang.go.id']));
    await invokeReconciler();
    expect((await item(id)).status).toBe('pending');
    expect(await captured(subject)).toHaveLength(0);
    cloud.clock.advance(MAIL_POLICY.graceMs + 1_000);
    await invokeReconciler();
    expect((await item(id)).status).toBe('sent');
    expect(await captured(subject)).toHaveLength(1);
  });

  it('retries a claim whose sender died only after its lease expired, and sends it once', async () => {
    const { id, subject } = await commitWithMail(notice(['lease@palembang.go.id']));
    cloud.clock.advance(MAIL_POLICY.graceMs + 1_000);
    // A sender claimed it and crashed before sending.
    const leaseUntil = new Date(cloud.clock.now() + MAIL_POLICY.leaseMs).toISOString();
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: mailKey(id),
        UpdateExpression:
          'SET #status = :sending, attempts = :one, leaseUntil = :lease, claimId = :claim, GSI1PK = :pk, GSI1SK = :sk',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'sending',
          ':one': 1,
          ':lease': leaseUntil,
          ':claim': 'crashed-sender',
          ':pk': 'MAIL_STATUS#sending',
          ':sk': `${leaseUntil}#${id}`,
        },
      }),
    );
    await invokeReconciler();
    expect((await item(id)).status).toBe('sending');
    expect(await captured(subject)).toHaveLength(0);

    cloud.clock.advance(MAIL_POLICY.leaseMs + 1_000);
    await invokeReconciler();
    expect(await item(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await captured(subject)).toHaveLength(1);
  });

  it('sends each mail once when runs overlap', async () => {
    const mails = await Promise.all(
      Array.from({ length: 12 }, (_, i) => commitWithMail(notice([`overlap${i}@palembang.go.id`]))),
    );
    cloud.clock.advance(MAIL_POLICY.graceMs + 1_000);
    await Promise.all([invokeReconciler(), invokeReconciler(), invokeReconciler()]);
    for (const mail of mails) {
      expect((await item(mail.id)).status).toBe('sent');
      expect(await captured(mail.subject)).toHaveLength(1);
    }
  });

  it('gives up after the last attempt, and an admin lists the failed mail and resends it', async () => {
    const { id, subject } = await commitWithMail(notice(['gagal@palembang.go.id']));
    cloud.faults.ses.failureRate = 1;
    for (let pass = 0; pass < MAIL_POLICY.maxAttempts; pass++) {
      cloud.clock.advance(61 * 60_000);
      await invokeReconciler();
    }
    const failed = await item(id);
    expect(failed).toMatchObject({ status: 'failed', attempts: MAIL_POLICY.maxAttempts, GSI1PK: 'MAIL_STATUS#failed' });
    expect(failed.lastError).toMatch(/InternalFailure/);
    const metricLines = cloud.logs.filter(
      (l) => l.functionName === reconciler.functionName && l.line.includes('"MailFailed"'),
    );
    expect(metricLines).toHaveLength(1);
    cloud.clock.advance(61 * 60_000);
    expect((await invokeReconciler())[0]?.found).toBe(0);

    const listed = await listMail({ status: 'failed' }, deps);
    expect(listed.items.map((m) => m.id)).toContain(id);
    expect(listed.items.find((m) => m.id === id)).not.toHaveProperty('html');

    cloud.faults.ses.failureRate = 0;
    expect(await resendMail(id, deps)).toEqual({ ok: true, outcome: 'sent' });
    expect(await item(id)).toMatchObject({ status: 'sent', attempts: 1, resends: 1 });
    expect(await captured(subject)).toHaveLength(1);
    expect(await resendMail(id, deps)).toMatchObject({ ok: false, reason: 'not-resendable', status: 'sent' });
  });
});

describe('mail SES refuses', () => {
  it('fails at once, without retries, and is reported', async () => {
    const { entries, id } = await commitWithMail(notice(['tidak.terverifikasi@palembang.go.id']));
    const reported: string[] = [];
    const refusing: MailDeps = {
      ...deps,
      sendEmail: async () => {
        throw new MessageRejected({ message: 'Email address is not verified.', $metadata: {} });
      },
      reportFailed: (mailId) => reported.push(mailId),
    };
    expect(await deliverAfterCommit(entries, refusing)).toEqual({ [id]: 'failed' });
    expect(await item(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/^MessageRejected/),
    });
    expect(reported).toEqual([id]);
  });
});

describe('bounces and complaints', () => {
  const sendNow = async (mail: OutgoingMail<'notice'>) => {
    const committed = await commitWithMail(mail);
    await deliverAfterCommit(committed.entries, deps);
    return { ...committed, stored: await item(committed.id) };
  };

  it('marks a permanent bounce: the recipient is suppressed, the mail bounced, later mail to them not sent', async () => {
    const address = 'Alamat.Salah@palembang.go.id';
    const { id, stored } = await sendNow(notice([address, 'rekan@palembang.go.id']));
    const bounce = sesBounce({
      messageId: stored.sesMessageId!,
      mailId: id,
      destination: stored.to,
      bounced: [address.toLowerCase()],
    });
    await invokeSesEvents(snsEvent(bounce));
    await invokeSesEvents(snsEvent(bounce)); // SNS delivers at least once

    const bounced = await item(id);
    expect(bounced.status).toBe('bounced');
    expect([...(bounced.bouncedRecipients ?? [])]).toEqual(['alamat.salah@palembang.go.id']);
    const suppression = await documents.send(
      new GetCommand({ TableName: table, Key: suppressionKeys(addressHash(address)) }),
    );
    expect(suppression.Item).toMatchObject({ reason: 'bounce', firstMailId: id });
    expect(JSON.stringify(suppression.Item)).not.toContain('alamat.salah');

    const alone = await sendNow(notice([address]));
    expect(alone.stored.status).toBe('suppressed');
    expect(await captured(alone.subject)).toHaveLength(0);

    const mixed = await sendNow(notice(['rekan@palembang.go.id'], { cc: [address] }));
    expect(mixed.stored).toMatchObject({ status: 'sent', skippedRecipients: [address] });
    const [copy] = await captured(mixed.subject);
    expect(copy?.to).toEqual(['rekan@palembang.go.id']);
    expect(copy?.cc).toEqual([]);

    expect(await resendMail(id, deps)).toMatchObject({ ok: false, reason: 'recipient-suppressed' });
    expect(await unsuppressRecipient(deps, address)).toBe(true);
    expect(await resendMail(id, deps)).toEqual({ ok: true, outcome: 'sent' });
  });

  it('suppresses nobody for a transient bounce', async () => {
    const { id, stored } = await sendNow(notice(['penuh@palembang.go.id']));
    await invokeSesEvents(
      snsEvent(
        sesBounce({
          messageId: stored.sesMessageId!,
          mailId: id,
          destination: stored.to,
          bounced: stored.to,
          bounceType: 'Transient',
        }),
      ),
    );
    expect((await item(id)).status).toBe('sent');
    const later = await sendNow(notice(['penuh@palembang.go.id']));
    expect(later.stored.status).toBe('sent');
  });

  it('marks a complaint, which a later bounce does not downgrade', async () => {
    const { id, stored } = await sendNow(notice(['keberatan@palembang.go.id']));
    const mail = { messageId: stored.sesMessageId!, mailId: id, destination: stored.to };
    await invokeSesEvents(snsEvent(sesComplaint({ ...mail, complained: stored.to })));
    await invokeSesEvents(snsEvent(sesBounce({ ...mail, bounced: stored.to })));
    const complained = await item(id);
    expect(complained.status).toBe('complained');
    expect([...(complained.complainedRecipients ?? [])]).toEqual(['keberatan@palembang.go.id']);
    expect((await sendNow(notice(['keberatan@palembang.go.id']))).stored.status).toBe('suppressed');
  });

  it('drops a message that is not an SES event without failing', async () => {
    await expect(invokeSesEvents(snsEvent('not an SES event', { eventType: 'Delivery' }))).resolves.toBeUndefined();
  });

  it('refuses to resend a bounced mail whose body was dropped after sending', async () => {
    const { id, stored } = await sendNow(notice(['rahasia@palembang.go.id'], { containsSecret: true }));
    await invokeSesEvents(
      snsEvent(sesBounce({ messageId: stored.sesMessageId!, mailId: id, destination: stored.to, bounced: stored.to })),
    );
    await unsuppressRecipient(deps, 'rahasia@palembang.go.id');
    expect(await resendMail(id, deps)).toMatchObject({ ok: false, reason: 'content-discarded', status: 'bounced' });
  });
});

describe('listing mail', () => {
  it('pages through mail of one status, newest first, and refuses a cursor it did not hand out', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = `listing-${i}`;
      await documents.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...outboxItem(notice([`daftar${i}@palembang.go.id`], { id }), new Date(Date.UTC(2030, 0, 1, 0, i)), {
              table,
              publicBaseUrl: 'https://layanan.palembang.go.id',
            }).Put.Item,
            GSI1PK: 'MAIL_STATUS#complained',
          },
        }),
      );
      ids.push(id);
    }
    const first = await listMail({ status: 'complained', limit: 3 }, deps);
    const second = await listMail({ status: 'complained', limit: 3, cursor: first.cursor }, deps);
    const listed = [...first.items, ...second.items].map((m) => m.id).filter((id) => id.startsWith('listing-'));
    expect(listed).toEqual([...ids].reverse());

    const forged = Buffer.from(JSON.stringify({ PK: 'UNIT#X', SK: 'UNIT', GSI1PK: 'UNITS', GSI1SK: 'x' })).toString(
      'base64url',
    );
    await expect(listMail({ status: 'complained', cursor: forged }, deps)).rejects.toBeInstanceOf(MailCursorError);
    await expect(listMail({ status: 'complained', cursor: 'garbage' }, deps)).rejects.toBeInstanceOf(MailCursorError);
  });
});
