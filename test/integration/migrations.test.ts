import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal } from '#infra/local/dynamodb';
import type { TableSpec } from '#infra/local/types';
import { type MigrationClient, MigrationRegistry, migrateTable, type StoredItem } from '#shared/db/migrations';

const TABLE = 'migrations-domain';
const spec: TableSpec = {
  logicalId: 'Domain',
  tableName: TABLE,
  keySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  attributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
  ],
  globalSecondaryIndexes: [],
  localSecondaryIndexes: [],
};

// v1 -> v2 splits `name`; v2 -> v3 renames status `ok` to `approved` and drops `legacyCode`.
const registry = new MigrationRegistry([
  {
    entity: 'registration',
    from: 1,
    to: 2,
    up: ({ name, ...rest }) => {
      const [first = '', ...others] = String(name).split(' ');
      return { ...rest, firstName: first, lastName: others.join(' ') };
    },
  },
  {
    entity: 'registration',
    from: 2,
    to: 3,
    up: ({ legacyCode: _dropped, ...rest }) => ({ ...rest, status: rest.status === 'ok' ? 'approved' : rest.status }),
  },
]);

let dynamo: DynamoDbLocal;
let raw: DynamoDBClient;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
  raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'migrations', secretAccessKey: 'local' },
  });
  documents = DynamoDBDocumentClient.from(raw);
});

afterAll(async () => {
  raw?.destroy();
  await dynamo?.stop();
});

beforeEach(async () => {
  // A changed definition makes ensureTables recreate the table: an empty table per test.
  await ensureTables(raw, [{ ...spec, streamViewType: 'KEYS_ONLY' }]);
  await ensureTables(raw, [spec]);
});

const registration = (n: number, version: number): StoredItem => {
  const id = String(n).padStart(4, '0');
  const base = { PK: `REG#${id}`, SK: 'REG', entity: 'registration', _v: version, status: 'ok', views: 0 };
  if (version === 1) return { ...base, name: `Peserta Nomor ${id}`, legacyCode: `L${id}` };
  if (version === 2) return { ...base, firstName: 'Peserta', lastName: `Nomor ${id}`, legacyCode: `L${id}` };
  return { ...base, firstName: 'Peserta', lastName: `Nomor ${id}`, status: 'approved' };
};

/** 100 v1 and 50 v2 registrations (outdated), 50 v3 (current), 30 units (no migrations), 20 without entity. */
const seed = async (): Promise<StoredItem[]> => {
  const items = [
    ...Array.from({ length: 100 }, (_, i) => registration(i, 1)),
    ...Array.from({ length: 50 }, (_, i) => registration(100 + i, 2)),
    ...Array.from({ length: 50 }, (_, i) => registration(150 + i, 3)),
    ...Array.from({ length: 30 }, (_, i) => ({ PK: `UNIT#${i}`, SK: 'UNIT', entity: 'unit', _v: 1, name: `U${i}` })),
    ...Array.from({ length: 20 }, (_, i) => ({ PK: `SEED#${i}`, SK: 'SEED', _v: 1 })),
  ];
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: batch } }));
  }
  return items;
};

const allItems = async (): Promise<StoredItem[]> => {
  const items: StoredItem[] = [];
  for await (const page of paginateScan({ client: documents }, { TableName: TABLE })) items.push(...(page.Items ?? []));
  return items;
};

const get = async (PK: string) =>
  (await documents.send(new GetCommand({ TableName: TABLE, Key: { PK, SK: 'REG' }, ConsistentRead: true }))).Item;

describe('migrateTable', () => {
  it('rewrites every outdated item to its current shape and leaves the others as they were', async () => {
    const seeded = await seed();
    const report = await migrateTable(documents, { tableName: TABLE, registry, pageSize: 40 });
    expect(report).toMatchObject({
      scanned: 250,
      upgraded: 150,
      upgradedByEntity: { registration: 150 },
      upToDate: 100,
      raced: 0,
      resumeKey: undefined,
    });

    const after = await allItems();
    expect(after).toHaveLength(250);
    // Each item is exactly what upgrade makes of what was seeded: nothing lost, nothing left over.
    const byKey = new Map(after.map((item) => [`${item.PK}|${item.SK}`, item]));
    for (const item of seeded) expect(byKey.get(`${item.PK}|${item.SK}`)).toEqual(registry.upgrade(item));
    expect(await get('REG#0007')).toEqual({
      PK: 'REG#0007',
      SK: 'REG',
      entity: 'registration',
      _v: 3,
      status: 'approved',
      views: 0,
      firstName: 'Peserta',
      lastName: 'Nomor 0007',
    });
  });

  it('stops after maxPages, resumes from the key it reported, and a repeated run changes nothing', async () => {
    await seed();
    const progress: number[] = [];
    const first = await migrateTable(documents, {
      tableName: TABLE,
      registry,
      pageSize: 50,
      maxPages: 2,
      onPage: (report) => {
        progress.push(report.scanned);
      },
    });
    expect(first.pages).toBe(2);
    expect(first.scanned).toBe(100);
    expect(first.resumeKey).toBeDefined();
    expect(progress).toEqual([50, 100]);

    const rest = await migrateTable(documents, { tableName: TABLE, registry, pageSize: 50, startKey: first.resumeKey });
    expect(rest.resumeKey).toBeUndefined();
    expect(first.scanned + rest.scanned).toBe(250);
    expect(first.upgraded + rest.upgraded).toBe(150);
    expect((await allItems()).filter((item) => registry.isOutdated(item))).toEqual([]);

    const again = await migrateTable(documents, { tableName: TABLE, registry });
    expect(again).toMatchObject({ scanned: 250, upgraded: 0, upToDate: 250, raced: 0 });
  });

  it('keeps what other writers do between the scan and the rewrite', async () => {
    await seed();
    // Between reading a page and rewriting it: one request counts a view (an attribute no migration touches),
    // another changes an attribute the migration derives from, and a third upgrades an item itself.
    let interfered = false;
    const interfering: MigrationClient = {
      send: (async (command: Parameters<MigrationClient['send']>[0]) => {
        const answer = await documents.send(command as never);
        if (command.constructor.name === 'ScanCommand' && !interfered) {
          interfered = true;
          await documents.send(
            new UpdateCommand({
              TableName: TABLE,
              Key: { PK: 'REG#0001', SK: 'REG' },
              UpdateExpression: 'ADD #views :one',
              ExpressionAttributeNames: { '#views': 'views' },
              ExpressionAttributeValues: { ':one': 1 },
            }),
          );
          await documents.send(
            new UpdateCommand({
              TableName: TABLE,
              Key: { PK: 'REG#0120', SK: 'REG' },
              UpdateExpression: 'SET #status = :status',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': 'withdrawn' },
            }),
          );
          await documents.send(
            new UpdateCommand({
              TableName: TABLE,
              Key: { PK: 'REG#0002', SK: 'REG' },
              UpdateExpression: 'SET #v = :v, firstName = :f, lastName = :l, #status = :s REMOVE #name, legacyCode',
              ExpressionAttributeNames: { '#v': '_v', '#name': 'name', '#status': 'status' },
              ExpressionAttributeValues: { ':v': 3, ':f': 'Sendiri', ':l': 'Diperbarui', ':s': 'approved' },
            }),
          );
        }
        return answer;
      }) as MigrationClient['send'],
    };

    const report = await migrateTable(interfering, { tableName: TABLE, registry, pageSize: 250 });

    expect(report).toMatchObject({ scanned: 250, upgraded: 149, upToDate: 101, raced: 0 });
    expect(await get('REG#0001')).toMatchObject({ _v: 3, views: 1, firstName: 'Peserta', status: 'approved' });
    expect(await get('REG#0120')).toMatchObject({ _v: 3, status: 'withdrawn' });
    expect(await get('REG#0120')).not.toHaveProperty('legacyCode');
    expect(await get('REG#0002')).toMatchObject({ _v: 3, firstName: 'Sendiri', lastName: 'Diperbarui' });
  });
});
