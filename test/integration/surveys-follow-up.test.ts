import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { json } from '#test/support/http';
import { xlsxToCsvLines } from '#test/support/libreoffice';
import { addresses, asForm, ELEMENTS, inParallel, surveyCalls } from '#test/support/surveys';

/**
 * What follows a response: printed tickets that verify it, suggestions and their follow-up, trends, the city
 * overview, exports, and the low-score alert. Each part uses its own months or units, so their counts stay apart.
 */

let cloud: LocalCloud;
let calls: ReturnType<typeof surveyCalls>;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'surveysfollowup', seed: true });
  calls = surveyCalls(cloud);
});

afterAll(async () => {
  await cloud?.stop();
});

type Who = 'admin' | 'operator-dinkes' | 'unit-head';
const nextIp = addresses(40);
const at = (instant: string) => cloud.clock.set(Date.parse(instant));
const allScores = (score: number) => Object.fromEntries(ELEMENTS.map((key) => [key, score]));
const postJson = (unitCode: string, body: unknown) => calls.postJson(unitCode, body, nextIp());
const staff = async (who: Who, method: string, path: string, body?: unknown) =>
  fetch(`${cloud.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await calls.tokenOf(who)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
/** A staff session cookie, as the managed login leaves it (an ID token for the web client). */
const sessionCookie = async (sub: string, groups: string[]) => {
  const webClient = cloud.system.functions.find((f) => f.logicalId.startsWith('SurveyStaffApi'))!.environment
    .STAFF_WEB_CLIENT_ID!;
  const token = await cloud.token({ sub, groups }, { tokenUse: 'id', overrides: { aud: webClient } });
  return `__Host-abdi-session=${token}`;
};
const fieldsOf = (problem: { errors?: { field: string }[] }) => (problem.errors ?? []).map((e) => e.field);

describe('printed tickets', () => {
  const unit = 'KEC-06';
  const month = '2026-06';
  let codes: string[];
  let sheetPath: string;

  beforeAll(async () => {
    at('2026-06-02T02:00:00Z');
    const created = await staff('unit-head', 'POST', `/surveys/${unit}/ticket-batches`, { count: 3, label: 'Loket 1' });
    expect(created.status).toBe(201);
    const batch = await json(created);
    codes = batch.codes;
    sheetPath = batch.sheetPath;
  });

  it('are created in batches of distinct codes and printed on a sheet behind the staff session', async () => {
    expect(codes).toHaveLength(3);
    expect(new Set(codes).size).toBe(3);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);

    const sheet = await fetch(`${cloud.url}${sheetPath}`, {
      headers: { cookie: await sessionCookie('dev-unit-head', ['unit-head']) },
    });
    const page = await sheet.text();

    expect(sheet.status).toBe(200);
    expect(page).toContain('Tiket Survei Kepuasan Masyarakat');
    expect(page).toContain('Kecamatan Ilir Timur I</strong> — Loket 1');
    for (const code of codes) expect(page).toContain(`<p class="kode">${code}</p>`);
    expect(page.match(/<svg /g)).toHaveLength(3);
    const anonymous = await fetch(`${cloud.url}${sheetPath}`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  it('are for staff of the unit’s office, in batches of 1 to 500', async () => {
    expect((await staff('operator-dinkes', 'POST', `/surveys/${unit}/ticket-batches`, { count: 2 })).status).toBe(403);
    for (const [body, field] of [
      [{ count: 0 }, 'count'],
      [{ count: 501 }, 'count'],
      [{ count: '5' }, 'count'],
      [{ count: 2, printer: 'x' }, ''],
    ] as const) {
      const answer = await staff('unit-head', 'POST', `/surveys/${unit}/ticket-batches`, body);
      expect(answer.status).toBe(422);
      expect(fieldsOf(await json(answer))).toContain(field);
    }
  });

  it('verify a response once: the report counts it, and a second use of the code is refused with 409', async () => {
    at('2026-06-03T02:00:00Z');
    const ticketed = await postJson(unit, {
      answers: allScores(4),
      service: 'Surat keterangan',
      // As a person types it: lower case.
      ticket: codes[0]!.toLowerCase(),
    });
    const plain = await postJson(unit, { answers: allScores(3), service: 'Surat keterangan' });
    expect(ticketed.status).toBe(201);
    expect(plain.status).toBe(201);
    const before = await calls.monthItems(unit, month);
    const stored = await calls.storedResponses(unit, month);

    const reused = await postJson(unit, { answers: allScores(1), service: 'Surat keterangan', ticket: codes[0] });
    const reusedForm = await calls.postForm(
      unit,
      `${asForm({ answers: allScores(1), service: 'Surat keterangan' }, ulid())}&ticket=${codes[0]}`,
      nextIp(),
    );

    expect(reused.status).toBe(409);
    expect(JSON.parse(reused.text).detail).toBe('Kode tiket ini sudah dipakai untuk survei lain');
    expect(reusedForm.status).toBe(409);
    expect(reusedForm.text).toContain('<p class="field-error" id="galat-ticket">Kode tiket ini sudah dipakai');
    expect(reusedForm.text).toContain(`name="ticket" value="${codes[0]}"`);
    expect(await calls.monthItems(unit, month)).toEqual(before);
    expect(await calls.storedResponses(unit, month)).toBe(stored);
    const report = await json(await calls.getReport(unit, `from=${month}`));
    expect(report).toMatchObject({ responses: 2, verified: 1, verifiedShare: 50 });
  });

  it('store a resent ticketed response once', async () => {
    at('2026-06-04T02:00:00Z');
    const body = { answers: allScores(3), service: 'Legalisasi dokumen', ticket: codes[1], responseId: ulid() };

    const first = await postJson(unit, body);
    const again = await postJson(unit, body);

    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ stored: false });
    expect(await json(await calls.getReport(unit, `from=${month}`))).toMatchObject({ responses: 3, verified: 2 });
  });

  it('refuse an unknown code, and another unit’s code, with 422 on the ticket field', async () => {
    at('2026-06-05T02:00:00Z');
    const stored = await calls.storedResponses('PKM-DEMPO', month);

    const unknown = await postJson(unit, { answers: allScores(3), service: 'Surat keterangan', ticket: 'AAAAA-BBBBB' });
    const elsewhere = await postJson('PKM-DEMPO', { answers: allScores(3), service: 'Imunisasi', ticket: codes[2] });
    const malformed = await postJson(unit, { answers: allScores(3), service: 'Surat keterangan', ticket: 'I0I0' });

    for (const answer of [unknown, elsewhere, malformed]) {
      expect(answer.status).toBe(422);
      expect(fieldsOf(JSON.parse(answer.text))).toContain('ticket');
    }
    expect(await calls.storedResponses('PKM-DEMPO', month)).toBe(stored);
    // The code is still good at its own unit.
    expect(
      (await postJson(unit, { answers: allScores(2), service: 'Surat keterangan', ticket: codes[2] })).status,
    ).toBe(201);
  });

  it('let exactly one of five concurrent responses with the same code through', async () => {
    at('2026-06-06T02:00:00Z');
    const batch = await json(await staff('admin', 'POST', `/surveys/${unit}/ticket-batches`, { count: 1 }));
    const before = await json(await calls.getReport(unit, `from=${month}`));

    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        postJson(unit, { answers: allScores(4), service: 'Surat keterangan', ticket: batch.codes[0] }),
      ),
    );

    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const after = await json(await calls.getReport(unit, `from=${month}`));
    expect(after.responses).toBe(before.responses + 1);
    expect(after.verified).toBe(before.verified + 1);
    expect(await calls.storedResponses(unit, month)).toBe(after.responses);
  });

  it('fill in the form from a ticket’s QR link', async () => {
    const page = await (await fetch(`${cloud.url}/s/${unit}?tiket=${codes[2]!.toLowerCase()}`)).text();
    expect(page).toContain(`name="ticket" value="${codes[2]}"`);
  });
});

describe('suggestions and their follow-up', () => {
  const unit = 'KEC-06';
  const ids: string[] = [];

  beforeAll(async () => {
    for (const [i, suggestion] of ['Antrean terlalu panjang', 'Ruang tunggu panas', 'Petugas ramah'].entries()) {
      at(`2026-07-0${i + 1}T02:00:00Z`);
      const responseId = ulid();
      ids.push(responseId);
      expect(
        (await postJson(unit, { answers: allScores(3), service: 'Surat keterangan', suggestion, responseId })).status,
      ).toBe(201);
    }
    // One without a suggestion: not in the list.
    ids.push(ulid());
    expect(
      (await postJson(unit, { answers: allScores(3), service: 'Surat keterangan', responseId: ids[3] })).status,
    ).toBe(201);
  });

  it('are listed newest first, open, from the suggestions index without a scan', async () => {
    const token = await calls.tokenOf('unit-head');
    cloud.resetDynamodbCalls();
    const answer = await fetch(`${cloud.url}/surveys/${unit}/suggestions?month=2026-07`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const dynamodb = cloud.dynamodbCalls();
    const page = await json(answer);

    expect(answer.status).toBe(200);
    expect(page.items.map((s: { suggestion: string }) => s.suggestion)).toEqual([
      'Petugas ramah',
      'Ruang tunggu panas',
      'Antrean terlalu panjang',
    ]);
    expect(page.items.every((s: { status: string }) => s.status === 'open')).toBe(true);
    expect(dynamodb).toEqual({ GetItem: 1, Query: 1 });
  });

  it('are answered by the unit head with the unit’s reply, then closed; a closed one stays closed', async () => {
    at('2026-07-10T02:00:00Z');
    const path = `/surveys/${unit}/suggestions/${ids[0]}`;

    const answered = await staff('unit-head', 'PUT', path, {
      status: 'answered',
      reply: 'Kami menambah satu loket mulai Agustus.',
    });
    const closed = await staff('unit-head', 'PUT', path, { status: 'closed' });
    const reopened = await staff('unit-head', 'PUT', path, { status: 'answered', reply: 'Lagi' });

    expect(answered.status).toBe(200);
    expect(await json(answered)).toMatchObject({
      responseId: ids[0],
      status: 'answered',
      reply: 'Kami menambah satu loket mulai Agustus.',
      repliedBy: expect.any(String),
      repliedAt: expect.stringMatching(/^2026-07-10T02:00:/),
    });
    expect(closed.status).toBe(200);
    expect(await json(closed)).toMatchObject({ status: 'closed', reply: 'Kami menambah satu loket mulai Agustus.' });
    expect(reopened.status).toBe(409);
    const listed = async (status: string) =>
      (
        await json(await staff('unit-head', 'GET', `/surveys/${unit}/suggestions?month=2026-07&status=${status}`))
      ).items.map((s: { responseId: string }) => s.responseId);
    expect(await listed('closed')).toEqual([ids[0]]);
    expect(await listed('open')).toEqual([ids[2], ids[1]]);
  });

  it('refuse a reply that is missing, a response without a suggestion, operators and other offices', async () => {
    const missing = await staff('unit-head', 'PUT', `/surveys/${unit}/suggestions/${ids[1]}`, { status: 'answered' });
    expect(missing.status).toBe(422);
    expect(fieldsOf(await json(missing))).toEqual(['reply']);
    expect(
      (await staff('unit-head', 'PUT', `/surveys/${unit}/suggestions/${ids[3]}`, { status: 'closed' })).status,
    ).toBe(404);
    expect((await staff('admin', 'PUT', `/surveys/PKM-DEMPO/suggestions/${ids[1]}`, { status: 'closed' })).status).toBe(
      404,
    );
    expect(
      (await staff('operator-dinkes', 'PUT', `/surveys/${unit}/suggestions/${ids[1]}`, { status: 'closed' })).status,
    ).toBe(403);
    expect((await staff('operator-dinkes', 'GET', `/surveys/${unit}/suggestions`)).status).toBe(403);
    expect((await staff('unit-head', 'GET', `/surveys/${unit}/suggestions?cursor=bm9wZQ`)).status).toBe(422);
    expect(
      await json(await staff('unit-head', 'GET', `/surveys/${unit}/suggestions?month=2026-07&status=open`)),
    ).toMatchObject({ items: [{ responseId: ids[2] }, { responseId: ids[1] }] });
  });
});

describe('trends and the city overview', () => {
  beforeAll(async () => {
    const send = async (instant: string, unitCode: string, score: number, service?: string) => {
      at(instant);
      const answer = await postJson(unitCode, { answers: allScores(score), ...(service ? { service } : {}) });
      expect(answer.status).toBe(201);
    };
    await send('2025-11-10T02:00:00Z', 'PKM-DEMPO', 3, 'Imunisasi');
    await send('2026-01-10T02:00:00Z', 'PKM-DEMPO', 4, 'Imunisasi');
    // 2026-03-31T17:30Z is April in WIB: the second quarter.
    await send('2026-03-31T17:30:00Z', 'PKM-DEMPO', 2, 'Imunisasi');
    for (const [unitCode, score, service] of [
      ['SMP-N1', 4, 'Legalisasi ijazah'],
      ['SMP-N1', 4, 'Legalisasi ijazah'],
      ['SMP-N9', 3, 'Legalisasi ijazah'],
      ['SMP-N9', 3, 'Legalisasi ijazah'],
      ['PKM-MERDEKA', 2, 'Imunisasi'],
      ['DINKES', 4, undefined],
      ['DINKES', 4, undefined],
    ] as const) {
      await send('2026-08-12T02:00:00Z', unitCode, score, service);
    }
  });

  it('follow a unit quarter by quarter, from the monthly aggregates', async () => {
    const answer = await staff('operator-dinkes', 'GET', '/surveys/DINKES/trend?from=2026-Q1&to=2026-Q3');
    expect(answer.status).toBe(200);
    expect((await json(answer)).points.map((p: { period: string }) => p.period)).toEqual([
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
    ]);

    const trend = await json(await staff('admin', 'GET', '/surveys/PKM-DEMPO/trend?from=2025-Q4&to=2026-Q2'));

    expect(trend.unit).toMatchObject({ code: 'PKM-DEMPO', type: 'puskesmas' });
    expect(
      trend.points.map((p: { period: string; responses: number; ikm: number | null; mutu: string | null }) => [
        p.period,
        p.responses,
        p.ikm,
        p.mutu,
      ]),
    ).toEqual([
      ['2025-Q4', 1, 75, 'C'],
      ['2026-Q1', 1, 100, 'A'],
      ['2026-Q2', 1, 50, 'D'],
    ]);
    const years = await json(await staff('admin', 'GET', '/surveys/PKM-DEMPO/trend?from=2025&to=2026'));
    // 2026: one response of 4s and one of 2s: 25 × (36 + 18) / 18 = 75.00.
    expect(years.points.map((p: { responses: number; ikm: number }) => [p.responses, p.ikm])).toEqual([
      [1, 75],
      [2, 75],
    ]);
  });

  it('refuse trends of mixed kinds, backwards or longer than 36 months, and other offices', async () => {
    for (const query of [
      'from=2026-01&to=2026-Q1',
      'from=2026-Q3&to=2026-Q1',
      'from=2020&to=2026',
      'from=2026-13&to=2026-12',
    ]) {
      const answer = await staff('admin', 'GET', `/surveys/PKM-DEMPO/trend?${query}`);
      expect(answer.status, query).toBe(422);
      expect(fieldsOf(await json(answer)).length, query).toBeGreaterThan(0);
    }
    expect((await staff('unit-head', 'GET', '/surveys/PKM-DEMPO/trend?from=2026-Q1&to=2026-Q2')).status).toBe(403);
  });

  it('rank units with enough responses, sharing equal ranks, and roll up the city and each unit type', async () => {
    const answer = await staff('admin', 'GET', '/surveys/overview?period=2026-Q3&minResponses=2');
    const overview = await json(answer);

    expect(answer.status).toBe(200);
    expect(overview.months).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(overview.ranking.map((r: { rank: number; code: string; ikm: number }) => [r.rank, r.code, r.ikm])).toEqual([
      [1, 'DINKES', 100],
      [1, 'SMP-N1', 100],
      // KEC-06's four July responses (the suggestions above), all 3s: the same exact index as SMP-N9's.
      [3, 'KEC-06', 75],
      [3, 'SMP-N9', 75],
    ]);
    expect(overview.belowMinimum).toEqual([
      { code: 'PKM-MERDEKA', name: 'Puskesmas Merdeka', type: 'puskesmas', responses: 1 },
    ]);
    // Pooled: DINKES 2 × 36, SMP-N1 2 × 36, SMP-N9 2 × 27, PKM-MERDEKA 18, KEC-06 4 × 27: 25 × 324 / (9 × 11).
    expect(overview.city).toMatchObject({ units: 5, responses: 11, ikm: 81.82, mutu: 'B' });
    expect(
      overview.byType.map((t: { type: string; units: number; responses: number; ikm: number }) => [
        t.type,
        t.units,
        t.responses,
        t.ikm,
      ]),
    ).toEqual([
      ['dinas', 1, 2, 100],
      ['kecamatan', 1, 4, 75],
      ['puskesmas', 1, 1, 50],
      ['sekolah', 2, 4, 87.5],
    ]);
    const schools = await json(
      await staff('admin', 'GET', '/surveys/overview?period=2026-Q3&minResponses=2&type=sekolah'),
    );
    expect(schools.ranking.map((r: { rank: number; code: string }) => [r.rank, r.code])).toEqual([
      [1, 'SMP-N1'],
      [2, 'SMP-N9'],
    ]);
  });

  it('is for admins, and refuses a malformed period or minimum', async () => {
    expect((await staff('operator-dinkes', 'GET', '/surveys/overview?period=2026-Q3')).status).toBe(403);
    for (const query of ['period=2026-Q5', 'period=2026-Q3&minResponses=-1', 'period=2026-Q3&type=desa', '']) {
      const answer = await staff('admin', 'GET', `/surveys/overview?${query}`);
      expect(answer.status, query).toBe(422);
    }
  });
});

describe('exports', () => {
  const unit = 'DINKES';
  const month = '2026-05';
  const suggestions = [
    '=HYPERLINK("http://contoh.test","klik")',
    '+62 811 1234',
    '@SUM(A1)',
    '-lambat',
    'Biasa, "baik"',
  ];

  beforeAll(async () => {
    at('2026-05-20T02:00:00Z');
    for (const suggestion of suggestions) {
      expect((await postJson(unit, { answers: allScores(3), suggestion })).status).toBe(201);
    }
  });

  it('write the raw responses as CSV, formula-like text prefixed with an apostrophe', async () => {
    const answer = await staff('operator-dinkes', 'GET', `/surveys/${unit}/export.csv?from=${month}&content=responses`);
    const text = await answer.text();

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe('attachment; filename="skm-dinkes-2026-05-tanggapan.csv"');
    const lines = text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(1 + suggestions.length);
    expect(lines[0]).toMatch(/^ID tanggapan,Diterima \(UTC\),Bulan \(WIB\),Instrumen,Jenis layanan,persyaratan,/);
    expect(text).toContain(`,"'=HYPERLINK(""http://contoh.test"",""klik"")",open,`);
    expect(text).toContain(",'+62 811 1234,open,");
    expect(text).toContain(",'@SUM(A1),open,");
    expect(text).toContain(",'-lambat,open,");
    expect(text).toContain(',"Biasa, ""baik""",open,');
    expect(lines[1]).toContain(',2026-05,permenpanrb-14-2017,,3,3,3,3,3,3,3,3,3,');
  });

  it('write the report as CSV', async () => {
    const text = await (await staff('admin', 'GET', `/surveys/${unit}/export.csv?from=${month}`)).text();
    expect(text).toContain('\r\nJumlah responden,5\r\n');
    expect(text).toContain('\r\nIKM,75\r\nMutu pelayanan,C\r\nKinerja unit pelayanan,Kurang baik\r\n');
    expect(text).toContain('\r\npersyaratan,Persyaratan,5,15,3,75,C,0,0,5,0\r\n');
  });

  it('write XLSX workbooks whose formula-like text is text cells', async () => {
    const answer = await staff(
      'operator-dinkes',
      'GET',
      `/surveys/${unit}/export.xlsx?from=${month}&content=responses`,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    const bytes = Buffer.from(await answer.arrayBuffer());
    await workbook.xlsx.load(bytes.buffer as ArrayBuffer);
    const sheet = workbook.getWorksheet('Tanggapan')!;
    expect(sheet.rowCount).toBe(1 + suggestions.length);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const column = header.indexOf('Saran/pengaduan') + 1;
    const cells = Array.from({ length: suggestions.length }, (_, i) => sheet.getRow(i + 2).getCell(column));
    expect(cells.map((c) => c.value).sort()).toEqual([...suggestions].sort());
    for (const cell of cells) {
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
    }
    expect(sheet.getRow(2).getCell(header.indexOf('waktu') + 1).value).toBe(3);
    // LibreOffice, which evaluates formulas, reads the formula-like suggestions back as the text they are.
    const lines = xlsxToCsvLines(bytes);
    expect(lines).toHaveLength(1 + suggestions.length);
    const csv = lines.join('\n');
    expect(csv).toContain('"=HYPERLINK(""http://contoh.test"",""klik"")"');
    expect(csv).toContain('@SUM(A1)');
    expect(csv).toContain('+62 811 1234');

    const report = new ExcelJS.Workbook();
    await report.xlsx.load(
      await (await staff('admin', 'GET', `/surveys/${unit}/export.xlsx?from=${month}`)).arrayBuffer(),
    );
    const rows = report
      .getWorksheet('Laporan')!
      .getSheetValues()
      .map((row) => (row as unknown[] | undefined)?.slice(1));
    expect(rows).toContainEqual(['IKM', 75]);
    expect(rows).toContainEqual(['Jumlah responden', 5]);
  });

  it('are for the unit’s office and refuse a bad query', async () => {
    expect((await staff('unit-head', 'GET', `/surveys/${unit}/export.csv?from=${month}`)).status).toBe(403);
    expect((await staff('unit-head', 'GET', `/surveys/${unit}/export.xlsx?from=${month}`)).status).toBe(403);
    for (const query of [
      'from=2026-05&content=pdf',
      'from=2026-05&to=2027-05',
      'to=2026-05',
      'from=2026-06&to=2026-05',
    ]) {
      const csv = await staff('admin', 'GET', `/surveys/${unit}/export.csv?${query}`);
      const xlsx = await staff('admin', 'GET', `/surveys/${unit}/export.xlsx?${query}`);
      expect(csv.status, query).toBe(422);
      expect(xlsx.status, query).toBe(422);
      expect(xlsx.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await staff('admin', 'GET', `/surveys/NOPE-1/export.xlsx?from=${month}&content=responses`)).status).toBe(
      404,
    );
  });
});

describe('the low-score alert', () => {
  const month = '2026-10';
  const setHeadEmail = (code: string, email: string) =>
    calls.documents.send(
      new UpdateCommand({
        TableName: calls.table(),
        Key: { PK: `UNIT#${code}`, SK: 'UNIT' },
        UpdateExpression: 'SET headEmail = :e',
        ExpressionAttributeValues: { ':e': email },
      }),
    );
  const runAlert = async () => {
    const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('SurveysLowScoreAlert'))!;
    const result = await cloud.lambda.invoke(fn.functionName, {
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
    });
    if (!result.ok) throw new Error(`${result.errorType}: ${result.errorMessage}`);
    return result.payload as { month: string; alerted: string[]; alreadyAlerted: string[] };
  };

  beforeAll(async () => {
    await setHeadEmail('SMP-N9', 'kepala.smpn9@palembang.go.id');
    await setHeadEmail('SD-N1', 'kepala.sdn1@palembang.go.id');
    await setHeadEmail('DISDIK', 'kadis.disdik@palembang.go.id');
    at('2026-10-05T02:00:00Z');
    const posts = [
      // 30 responses, grade D: alerts.
      ...Array.from({ length: 30 }, () => ['SMP-N9', 2, 'Legalisasi ijazah'] as const),
      // 29 low responses: too few to alert.
      ...Array.from({ length: 29 }, () => ['SD-N1', 1, 'Legalisasi ijazah'] as const),
      // 30 good responses: nothing to say.
      ...Array.from({ length: 30 }, () => ['DISDIK', 4, undefined] as const),
    ];
    const answers = await inParallel(
      8,
      posts.map(
        ([unitCode, score, service]) =>
          () =>
            postJson(unitCode, { answers: allScores(score), ...(service ? { service } : {}) }),
      ),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
  });

  it('emails the head of a unit below grade B with enough responses, once per month', async () => {
    at('2026-10-20T01:00:00Z');

    const first = await runAlert();
    const second = await runAlert();

    expect(first).toMatchObject({ month, alerted: ['SMP-N9'] });
    expect(second).toMatchObject({ month, alerted: [], alreadyAlerted: ['SMP-N9'] });
    const mails = (await cloud.outbox()).filter((m) => m.subject.startsWith('Peringatan SKM'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(['kepala.smpn9@palembang.go.id']);
    expect(mails[0]!.subject).toBe('Peringatan SKM: nilai rendah SMP Negeri 9 Palembang bulan 2026-10');
    expect(mails[0]!.text).toContain('IKM 50.00 (mutu D, Tidak baik) di bawah mutu B');
    expect(mails[0]!.text).toContain('Unsur Persyaratan: NRR 2.000 di bawah 2,60');
  });
});

describe('anomaly flags', () => {
  it('flags the responses one client address sends beyond twenty in a WIB day, and counts them in the report', async () => {
    const unit = 'KEC-10';
    at('2026-09-14T01:00:00Z');
    const body = () => ({ answers: allScores(4), service: 'Surat keterangan' });
    for (let i = 0; i < 23; i++) {
      // Ten a minute per client: the clock moves on between tens.
      if (i > 0 && i % 10 === 0) cloud.clock.advance(61_000);
      expect((await calls.postJson(unit, body(), '127.77.7.7')).status).toBe(201);
    }
    for (let i = 0; i < 3; i++) expect((await calls.postJson(unit, body(), `127.77.8.${i + 1}`)).status).toBe(201);
    const report = await json(await staff('admin', 'GET', `/surveys/${unit}/report?from=2026-09`));
    expect(report.responses).toBe(26);
    expect(report.anomalies).toEqual({
      busyClientResponses: 3,
      busyClientShare: 11.54,
      flags: [expect.stringContaining('3 tanggapan berasal dari alamat yang sudah mengirim lebih dari 20')],
    });
    // A unit without such a client has no flag.
    const quiet = await json(await staff('admin', 'GET', '/surveys/KEC-11/report?from=2026-09'));
    expect(quiet.anomalies).toEqual({ busyClientResponses: 0, busyClientShare: null, flags: [] });
  });
});
