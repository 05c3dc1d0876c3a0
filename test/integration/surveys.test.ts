import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { json } from '#test/support/http';
import {
  addresses,
  asForm,
  ELEMENTS,
  generateResponse,
  inParallel,
  type RawResponse,
  responseStorm,
  seeded,
  surveyCalls,
} from '#test/support/surveys';

let cloud: LocalCloud;
let calls: ReturnType<typeof surveyCalls>;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'surveystest', seed: true });
  calls = surveyCalls(cloud);
});

afterAll(async () => {
  await cloud?.stop();
});

const nextIp = addresses(20);
const at = (instant: string) => cloud.clock.set(Date.parse(instant));
const allScores = (score: number) => Object.fromEntries(ELEMENTS.map((key) => [key, score]));
const postJson = (unitCode: string, body: unknown, ip = nextIp()) => calls.postJson(unitCode, body, ip);
const postForm = (unitCode: string, form: string, ip = nextIp()) => calls.postForm(unitCode, form, ip);
const monthItems = (unitCode: string, month: string) => calls.monthItems(unitCode, month);
const storedResponses = (unitCode: string, month: string) => calls.storedResponses(unitCode, month);
const tokenOf = (who: 'admin' | 'operator-dinkes' | 'unit-head') => calls.tokenOf(who);
const getReport = (unitCode: string, query: string, who?: 'admin' | 'operator-dinkes' | 'unit-head') =>
  calls.getReport(unitCode, query, who);

describe('the survey page', () => {
  it('renders the nine questions as labelled radio groups, the unit’s services and a fresh response id', async () => {
    const first = await fetch(`${cloud.url}/s/KEC-06`);
    const page = await first.text();

    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(page).toContain('<html lang="id">');
    expect(page).toContain('Kecamatan Ilir Timur I');
    expect(page.match(/<fieldset id="q-[a-z]+">\n<legend>\d\. Bagaimana/g)).toHaveLength(9);
    expect(page.match(/<label class="opt"><input type="radio" name="answers\.[a-z]+" value="[1-4]"/g)).toHaveLength(36);
    for (const service of ['Surat keterangan', 'Rekomendasi izin usaha mikro', 'Legalisasi dokumen']) {
      expect(page).toContain(`<option value="${service}">${service}</option>`);
    }
    expect(page).toMatch(/<label class="field" for="service">/);
    expect(page).toMatch(/<input type="text" id="website" name="website" tabindex="-1" autocomplete="off"/);
    expect(page).toContain('href="/privasi"');
    const id = (html: string) => /name="responseId" value="([0-9A-Z]{26})"/.exec(html)?.[1];
    const second = await (await fetch(`${cloud.url}/s/kec-06`)).text();
    expect(id(page)).toBeDefined();
    expect(id(second)).toBeDefined();
    expect(id(second)).not.toBe(id(page));
  });

  it('escapes the unit’s name', async () => {
    const created = await fetch(`${cloud.url}/directory/units`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenOf('admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        code: 'KEL-ESC',
        name: 'Kelurahan <script>alert(1)</script> & "Uji"',
        type: 'kelurahan',
        parentCode: 'KEC-01',
        services: ['Surat pengantar'],
      }),
    });
    expect(created.status).toBe(201);

    const page = await (await fetch(`${cloud.url}/s/KEL-ESC`)).text();

    expect(page).toContain('Kelurahan &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Uji&quot;');
    expect(page).not.toContain('<script>');
  });

  it('answers an unknown or malformed unit code with a 404 page', async () => {
    for (const code of ['NOPE-99', 'not%20a%20code!']) {
      const response = await fetch(`${cloud.url}/s/${code}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('tidak ditemukan');
    }
  });
});

describe('submitting the survey form', () => {
  const unit = 'KEC-06';
  const month = '2026-03';
  const response: RawResponse = {
    answers: { ...allScores(3), waktu: 2, perilaku: 4 },
    service: 'Legalisasi dokumen',
    respondent: { gender: 'P', education: 'sma' },
    suggestion: 'Antrean <panjang> & ruang tunggu panas',
  };

  it('stores a urlencoded form once, however often it is sent, and thanks each time', async () => {
    at('2026-03-10T02:00:00Z');
    const form = asForm(response, ulid());

    const first = await postForm(unit, form);
    const again = await postForm(unit, form);

    expect(first.status).toBe(200);
    expect(first.text).toContain('Terima kasih');
    expect(first.text).toContain('telah kami terima');
    expect(again.status).toBe(200);
    expect(again.text).toContain('Terima kasih');
    expect(await storedResponses(unit, month)).toBe(1);
    const report = await json(await getReport(unit, `from=${month}`));
    expect(report).toMatchObject({
      responses: 1,
      suggestions: 1,
      services: [{ name: 'Legalisasi dokumen', responses: 1 }],
    });
    // 25 × (7 × 3 + 2 + 4) / 9 = 25 × 27 / 9 = 75.00: C.
    expect(report).toMatchObject({ ikm: 75, mutu: 'C', kinerja: 'Kurang baik' });
    expect(report.elements[0]).toMatchObject({
      key: 'waktu',
      nrr: 2,
      distribution: { '1': 0, '2': 1, '3': 0, '4': 0 },
    });
    expect(report.respondents.gender).toEqual({ P: 1, 'tidak-diisi': 0 });
  });

  it('thanks a bot that fills the honeypot, and stores nothing', async () => {
    at('2026-03-11T02:00:00Z');
    const before = await monthItems(unit, month);
    const stored = await storedResponses(unit, month);
    const fields = new URLSearchParams(asForm(response, ulid()));
    fields.set('website', 'http://spam.example');

    const answer = await postForm(unit, fields.toString());

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Terima kasih');
    expect(await monthItems(unit, month)).toEqual(before);
    expect(await storedResponses(unit, month)).toBe(stored);
  });

  it('sends invalid answers back as the form, each error beside its field and the answers kept; nothing stored', async () => {
    at('2026-03-12T02:00:00Z');
    const before = await monthItems(unit, month);
    const stored = await storedResponses(unit, month);
    const fields = new URLSearchParams(asForm(response, ulid()));
    fields.delete('answers.waktu');
    fields.set('answers.biaya', '5');

    const answer = await postForm(unit, fields.toString());

    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toContain('text/html');
    const page = answer.text;
    const fieldset = (key: string) => page.slice(page.indexOf(`<fieldset id="q-${key}"`)).split('</fieldset>')[0]!;
    expect(fieldset('waktu')).toContain('<p class="field-error" id="galat-answers-waktu">Pilih salah satu jawaban</p>');
    expect(fieldset('biaya')).toContain('Jawaban harus angka 1 sampai 4');
    expect(fieldset('perilaku')).toContain('value="4" checked');
    expect(page).toContain('<option value="Legalisasi dokumen" selected>');
    expect(page).toContain('Antrean &lt;panjang&gt; &amp; ruang tunggu panas</textarea>');
    expect(page).toContain('Ada 2 isian yang perlu diperbaiki');
    expect(await monthItems(unit, month)).toEqual(before);
    expect(await storedResponses(unit, month)).toBe(stored);
  });
});

describe('the JSON API', () => {
  const unit = 'PKM-DEMPO';
  const month = '2026-04';
  const valid = { answers: allScores(4), service: 'Imunisasi' };

  beforeAll(async () => {
    // The month, its month item and some shards exist before the refusals, so a stray write would show.
    at('2026-04-05T03:00:00Z');
    for (let i = 0; i < 4; i++) expect((await postJson(unit, { ...valid, answers: allScores(3) })).status).toBe(201);
  });

  it.each([
    ['a score of 0', { ...valid, answers: { ...allScores(3), waktu: 0 } }, 'answers.waktu'],
    ['a score of 5', { ...valid, answers: { ...allScores(3), sarana: 5 } }, 'answers.sarana'],
    ['a score of 2.5', { ...valid, answers: { ...allScores(3), biaya: 2.5 } }, 'answers.biaya'],
    ['a missing element', { ...valid, answers: { ...allScores(3), pengaduan: undefined } }, 'answers.pengaduan'],
    ['a score as text', { ...valid, answers: { ...allScores(3), produk: '4' } }, 'answers.produk'],
    ['an unknown element', { ...valid, answers: { ...allScores(3), kebersihan: 4 } }, 'answers'],
    ['answers as a list', { ...valid, answers: [4, 4, 4, 4, 4, 4, 4, 4, 4] }, 'answers'],
    ['no answers', { service: 'Imunisasi' }, 'answers'],
    ['an oversized suggestion', { ...valid, suggestion: 'x'.repeat(1001) }, 'suggestion'],
    ['a service as a number', { ...valid, service: 7 }, 'service'],
    ['a service the unit does not offer', { ...valid, service: 'Akta kelahiran' }, 'service'],
    ['no service where the unit lists some', { answers: allScores(4) }, 'service'],
    ['a gender outside the list', { ...valid, respondent: { gender: 'X' } }, 'respondent.gender'],
    ['a respondent field that is not asked', { ...valid, respondent: { nama: 'Budi' } }, 'respondent'],
    ['a response id that is not a ULID', { ...valid, responseId: 'abc' }, 'responseId'],
  ])('refuses %s with 422 and a field error, changing no counter', async (_, body, field) => {
    at('2026-04-05T03:00:00Z');
    const before = await monthItems(unit, month);
    const stored = await storedResponses(unit, month);

    const answer = await postJson(unit, body);

    expect(answer.status).toBe(422);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(answer.text);
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await monthItems(unit, month)).toEqual(before);
    expect(await storedResponses(unit, month)).toBe(stored);
  });

  it('refuses a unit that does not exist with 422 on the unit code, and counts nothing', async () => {
    at('2026-04-05T03:00:00Z');

    const answer = await postJson('NOPE-99', valid);

    expect(answer.status).toBe(422);
    expect(JSON.parse(answer.text).errors).toEqual([
      { field: 'unitCode', message: 'Unit NOPE-99 tidak ditemukan atau tidak lagi menerima survei' },
    ]);
    expect(await monthItems('NOPE-99', month)).toEqual([]);
  });

  it('stores from a warm function without reading, and within a minute refuses a service dropped, then an archived unit', async () => {
    at('2026-04-07T03:00:00Z');
    const admin = { authorization: `Bearer ${await tokenOf('admin')}`, 'content-type': 'application/json' };
    const unitPath = `${cloud.url}/directory/units/KEL-TUTUP`;
    const created = await fetch(`${cloud.url}/directory/units`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        code: 'KEL-TUTUP',
        name: 'Kelurahan Tutup',
        type: 'kelurahan',
        parentCode: 'KEC-01',
        services: ['Surat pengantar', 'Legalisasi dokumen'],
      }),
    });
    expect(created.status).toBe(201);
    const legal = { answers: allScores(4), service: 'Legalisasi dokumen' };
    expect((await postJson('KEL-TUTUP', legal)).status).toBe(201);
    // Sequential requests reuse the warm sandbox: it knows the unit and its month, so it only counts the client and
    // writes the response.
    cloud.resetDynamodbCalls();
    for (let i = 0; i < 4; i++) expect((await postJson('KEL-TUTUP', legal)).status).toBe(201);
    expect(cloud.dynamodbCalls()).toEqual({ UpdateItem: 4, TransactWriteItems: 4 });

    const version = async () => (await fetch(unitPath, { headers: admin }).then(json)).version as number;
    const patched = await fetch(unitPath, {
      method: 'PATCH',
      headers: admin,
      body: JSON.stringify({ version: await version(), services: ['Surat pengantar'] }),
    });
    expect(patched.status).toBe(200);
    // A warm function trusts the unit it read for a minute (UNIT_CACHE_MS).
    cloud.clock.advance(61_000);
    const before = await monthItems('KEL-TUTUP', month);
    const unlisted = await postJson('KEL-TUTUP', legal);
    expect(unlisted.status).toBe(422);
    expect(JSON.parse(unlisted.text).errors.map((e: { field: string }) => e.field)).toEqual(['service']);
    const archived = await fetch(`${unitPath}/archive`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ version: await version() }),
    });
    expect(archived.status).toBe(200);
    cloud.clock.advance(61_000);
    const closed = await postJson('KEL-TUTUP', { answers: allScores(4), service: 'Surat pengantar' });

    expect(closed.status).toBe(422);
    expect(JSON.parse(closed.text).errors.map((e: { field: string }) => e.field)).toEqual(['unitCode']);
    expect(await monthItems('KEL-TUTUP', month)).toEqual(before);
    expect(await storedResponses('KEL-TUTUP', month)).toBe(5);
  });

  it('stores a response once per response id: 201, then 200 with stored false', async () => {
    at('2026-04-06T03:00:00Z');
    const body = { ...valid, responseId: ulid() };
    const stored = await storedResponses(unit, month);

    const first = await postJson(unit, body);
    const again = await postJson(unit, body);

    expect(first.status).toBe(201);
    expect(JSON.parse(first.text)).toEqual({
      responseId: body.responseId,
      unitCode: unit,
      month,
      instrumentVersion: 'permenpanrb-14-2017',
      stored: true,
    });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ responseId: body.responseId, stored: false });
    expect(await storedResponses(unit, month)).toBe(stored + 1);
  });

  it('keeps no identifying data and no client address on the stored response', async () => {
    at('2026-04-07T03:00:00Z');
    const responseId = ulid();
    await postJson(unit, { ...valid, responseId, respondent: { ageBand: '30-39' } }, '127.21.0.9');

    const { Items } = await calls.documents.send(
      new QueryCommand({
        TableName: calls.table(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `SURVEY_RESPONSE#${responseId}` },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(JSON.stringify(Items)).not.toContain('127.21.0.9');
    expect(Object.keys(Items![0]!).sort()).toEqual(
      [
        'GSI1PK',
        'GSI1SK',
        'PK',
        'SK',
        '_v',
        'answers',
        'entity',
        'id',
        'instrumentVersion',
        'month',
        'receivedAt',
        'respondent',
        'service',
        'shard',
        'unitCode',
      ].sort(),
    );
  });

  it('limits one client to 10 responses a minute', async () => {
    at('2026-04-08T03:00:00Z');
    const ip = '127.22.0.1';
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push((await postJson(unit, valid, ip)).status);
    expect(answers.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(answers[10]).toBe(429);
  });
});

describe('reports', () => {
  it('cost the same DynamoDB calls for 10 responses as for 200', async () => {
    const unit = 'SMP-N1';
    at('2026-05-04T03:00:00Z');
    const random = seeded(5);
    const send = (count: number) =>
      inParallel(
        16,
        Array.from({ length: count }, () => () => postJson(unit, generateResponse(random, ['Legalisasi ijazah'], 3))),
      );
    const measure = async () => {
      const token = await tokenOf('admin');
      cloud.resetDynamodbCalls();
      const started = performance.now();
      const response = await fetch(`${cloud.url}/surveys/${unit}/report?from=2026-05`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const latencyMs = performance.now() - started;
      return { report: await json(response), dynamodb: cloud.dynamodbCalls(), latencyMs };
    };

    expect((await send(10)).every((a) => a.status === 201)).toBe(true);
    const small = await measure();
    expect((await send(190)).every((a) => a.status === 201)).toBe(true);
    const large = await measure();

    expect(small.report.responses).toBe(10);
    expect(large.report.responses).toBe(200);
    expect(large.dynamodb).toEqual(small.dynamodb);
    // The caller’s staff record, then the unit, month and shards in one BatchGetItem: no Query, no Scan.
    expect(large.dynamodb).toEqual({ GetItem: 1, BatchGetItem: 1 });
    console.info(
      `report: ${JSON.stringify(large.dynamodb)}; latency ${small.latencyMs.toFixed(0)} ms (10), ${large.latencyMs.toFixed(0)} ms (200)`,
    );
  });

  it('are for admins on any unit and for other staff on their own office only', async () => {
    at('2026-05-05T03:00:00Z');

    expect((await getReport('KEC-06', 'from=2026-05', 'unit-head')).status).toBe(200);
    expect((await getReport('DINKES', 'from=2026-05', 'operator-dinkes')).status).toBe(200);
    const other = await getReport('KEC-06', 'from=2026-05', 'operator-dinkes');
    expect(other.status).toBe(403);
    expect((await json(other)).type).toBe('https://abdi.dev/problems/other-office');
    expect((await getReport('DINKES', 'from=2026-05', 'admin')).status).toBe(200);
  });

  it('show responses collected against the minimum sample once the population is recorded', async () => {
    const unit = 'SMP-N9';
    at('2026-05-06T03:00:00Z');
    for (const month of ['2026-04-15T03:00:00Z', '2026-05-06T03:00:00Z', '2026-06-20T03:00:00Z']) {
      at(month);
      expect((await postJson(unit, { answers: allScores(3), service: 'Legalisasi ijazah' })).status).toBe(201);
    }
    const set = await fetch(`${cloud.url}/surveys/${unit}/population/2026-Q2`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await tokenOf('admin')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ population: 1000 }),
    });
    expect(set.status).toBe(200);
    expect(await json(set)).toMatchObject({ minimumSample: 278 });

    const quarter = await json(await getReport(unit, 'from=2026-04&to=2026-06'));
    const month = await json(await getReport(unit, 'from=2026-05'));

    expect(quarter).toMatchObject({
      period: '2026-Q2',
      responses: 3,
      sample: { period: '2026-Q2', population: 1000, minimum: 278, collected: 3, sufficient: false },
    });
    expect(quarter.byMonth.map((m: { responses: number }) => m.responses)).toEqual([1, 1, 1]);
    expect(month).toMatchObject({ period: '2026-05', responses: 1 });
    expect(month.sample).toBeUndefined();
  });

  it('refuse months out of order, more than 12 months, and malformed months', async () => {
    for (const query of ['from=2026-03&to=2026-01', 'from=2025-01&to=2026-01', 'from=2026-13']) {
      const response = await getReport('SMP-N1', query);
      expect(response.status, query).toBe(422);
    }
  });
});

describe('concurrent responses with TransactionConflict injected on 30 % of transactions', () => {
  it('counts every response once: each unit and month’s report equals the oracle, without a 5xx', async () => {
    const measured = await responseStorm(cloud, {
      units: [
        {
          code: 'KEL-26ILIR',
          services: ['Surat pengantar', 'Surat keterangan domisili', 'Surat keterangan tidak mampu'],
          lean: 3.2,
        },
        {
          code: 'PKM-PLAJU',
          services: ['Pemeriksaan umum', 'Kesehatan ibu dan anak', 'Imunisasi', 'Pemeriksaan gigi'],
          lean: 2.6,
        },
      ],
      // January, then the first half hour of 1 February in WIB, which is still 31 January in UTC.
      months: [
        { month: '2026-01', clock: '2026-01-20T03:00:00Z' },
        { month: '2026-02', clock: '2026-01-31T17:30:00Z' },
      ],
      perUnitAndMonth: 75,
      conflictRate: 0.3,
      inFlight: 64,
      seed: 2026,
      addressBlock: 30,
    });
    console.info(
      `${measured.total} concurrent responses in ${(measured.elapsedMs / 1000).toFixed(1)} s; ` +
        `${measured.transactions} transactions, ${measured.retries} retried after injected conflicts`,
    );
  });
});
