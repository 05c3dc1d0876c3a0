import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { recordSurveyResponse } from '#shared/surveys/responses';
import { SurveyResponseInput } from '#shared/surveys/schemas';
import { json } from '#test/support/http';
import { addresses, generateResponse, inParallel, responseStorm, seeded, surveyCalls } from '#test/support/surveys';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'surveysslow', seed: true });
});

afterAll(async () => {
  await cloud?.stop();
});

describe('2,000 concurrent responses with TransactionConflict injected on 30 % of transactions', () => {
  it('counts every response once across 3 units and 2 WIB months: each report equals the oracle, no 5xx', async () => {
    const measured = await responseStorm(cloud, {
      units: [
        {
          code: 'KEC-02',
          services: ['Surat keterangan', 'Rekomendasi izin usaha mikro', 'Legalisasi dokumen'],
          lean: 3.4,
        },
        {
          code: 'PKM-SAKO',
          services: ['Pemeriksaan umum', 'Kesehatan ibu dan anak', 'Imunisasi', 'Pemeriksaan gigi'],
          lean: 2.5,
        },
        {
          code: 'DUKCAPIL',
          services: ['KTP elektronik', 'Kartu keluarga', 'Akta kelahiran', 'Akta kematian'],
          lean: 2.9,
        },
      ],
      // January, then the first half hour of 1 February in WIB, which is still 31 January in UTC.
      months: [
        { month: '2026-01', clock: '2026-01-20T03:00:00Z' },
        { month: '2026-02', clock: '2026-01-31T17:30:00Z' },
      ],
      // 3 units × 2 months × 334 = 2,004 responses.
      perUnitAndMonth: 334,
      conflictRate: 0.3,
      inFlight: 64,
      seed: 14_2017,
      addressBlock: 50,
    });
    console.info(
      `${measured.total} concurrent responses in ${(measured.elapsedMs / 1000).toFixed(1)} s; ` +
        `${measured.transactions} transactions, ${measured.retries} retried after injected conflicts`,
    );
  }, 600_000);
});

describe('a report of 10,000 responses', () => {
  it('costs the same DynamoDB calls as one of 100', async () => {
    const calls = surveyCalls(cloud);
    const unit = 'PKM-KENTEN';
    const services = ['Pemeriksaan umum', 'Imunisasi'];
    const random = seeded(10_000);
    const nextIp = addresses(60);
    cloud.clock.set(Date.parse('2026-03-10T03:00:00Z'));
    const measure = async () => {
      const token = await calls.tokenOf('admin');
      cloud.resetDynamodbCalls();
      const started = performance.now();
      const response = await fetch(`${cloud.url}/surveys/${unit}/report?from=2026-03`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const latencyMs = performance.now() - started;
      return { report: await json(response), dynamodb: cloud.dynamodbCalls(), latencyMs };
    };

    const first = await inParallel(
      32,
      Array.from({ length: 100 }, () => () => calls.postJson(unit, generateResponse(random, services, 3), nextIp())),
    );
    expect(first.every((answer) => answer.status === 201)).toBe(true);
    const hundred = await measure();
    // The other 9,900 through the same domain function in this process: HTTP would add minutes, not coverage.
    const now = new Date(cloud.clock.now());
    await inParallel(
      32,
      Array.from({ length: 9_900 }, () => () => {
        const input = SurveyResponseInput.parse({ ...generateResponse(random, services, 3), responseId: ulid() });
        return recordSurveyResponse(calls.documents, calls.table(), unit, input, now);
      }),
    );
    const tenThousand = await measure();

    expect(hundred.report.responses).toBe(100);
    expect(tenThousand.report.responses).toBe(10_000);
    expect(tenThousand.dynamodb).toEqual(hundred.dynamodb);
    expect(tenThousand.dynamodb).toEqual({ GetItem: 1, BatchGetItem: 1 });
    console.info(
      `report: ${JSON.stringify(tenThousand.dynamodb)}; latency ${hundred.latencyMs.toFixed(0)} ms (100), ` +
        `${tenThousand.latencyMs.toFixed(0)} ms (10,000)`,
    );
  }, 600_000);
});
