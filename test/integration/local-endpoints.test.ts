import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DynamoDbLocal, ensureTables, startDynamoDbLocal } from '#infra/local/dynamodb';
import { type AwsFaultProxy, startAwsFaultProxy } from '#infra/local/faults';
import { outboxRequestHandler } from '#infra/local/outbox';
import { type SesLocal, startSesLocal } from '#infra/local/ses';
import type { FaultPlan, TableSpec } from '#infra/local/types';

// Any region works: DynamoDB Local keys its databases on access key id + region.
const REGION = 'ap-southeast-3';

let dynamo: DynamoDbLocal;
let ses: SesLocal;
const clients: { destroy(): void }[] = [];

beforeAll(async () => {
  [dynamo, ses] = await Promise.all([startDynamoDbLocal(), startSesLocal()]);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await Promise.all([dynamo?.stop(), ses?.stop()]);
});

/** A DynamoDB client on the database of `accessKeyId` (DynamoDB Local accepts only letters and digits in it). */
const dynamoClient = (accessKeyId: string, options: { endpoint?: string; maxAttempts?: number } = {}) => {
  const client = new DynamoDBClient({
    endpoint: options.endpoint ?? dynamo.endpoint,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey: 'local' },
    maxAttempts: options.maxAttempts,
  });
  clients.push(client);
  return client;
};

const sesClient = (endpoint: string) => {
  const client = new SESv2Client({
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'ses', secretAccessKey: 'x' },
  });
  clients.push(client);
  return client;
};

const noFaults = (): FaultPlan => ({
  dynamodb: { transactionConflictRate: 0, throttleRate: 0 },
  ses: { failureRate: 0 },
  lambda: { throwOnce: new Set() },
  sfn: { unavailable: new Set() },
});

const registrations = (overrides: Partial<TableSpec> = {}): TableSpec => ({
  logicalId: 'Registrations',
  tableName: 'abdi-registrations',
  keySchema: [
    { AttributeName: 'PK', KeyType: 'HASH' },
    { AttributeName: 'SK', KeyType: 'RANGE' },
  ],
  attributeDefinitions: [
    { AttributeName: 'PK', AttributeType: 'S' },
    { AttributeName: 'SK', AttributeType: 'S' },
    { AttributeName: 'GSI1PK', AttributeType: 'S' },
    { AttributeName: 'GSI1SK', AttributeType: 'S' },
    { AttributeName: 'LSI1SK', AttributeType: 'N' },
  ],
  globalSecondaryIndexes: [
    {
      IndexName: 'GSI1',
      KeySchema: [
        { AttributeName: 'GSI1PK', KeyType: 'HASH' },
        { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  localSecondaryIndexes: [
    {
      IndexName: 'LSI1',
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'LSI1SK', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'title'] },
    },
  ],
  ttlAttribute: 'expiresAt',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  ...overrides,
});

const simpleTable = (tableName: string) =>
  new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
  });

const isRunning = async (pid: number) => {
  try {
    const { stdout } = await promisify(execFile)('ps', ['-o', 'stat=', '-p', String(pid)]);
    // An orphan nobody has reaped yet is a zombie: dead all the same.
    return !stdout.trim().startsWith('Z');
  } catch {
    return false;
  }
};

const eventually = async (check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((wake) => setTimeout(wake, 100));
  }
  return true;
};

describe('DynamoDB Local', () => {
  it('gives every access key its own database', async () => {
    const alice = dynamoClient('isolationAlice');
    const bob = dynamoClient('isolationBob');
    await alice.send(simpleTable('shared-name'));
    await alice.send(
      new PutItemCommand({ TableName: 'shared-name', Item: { PK: { S: 'owner' }, who: { S: 'alice' } } }),
    );

    expect((await bob.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    await bob.send(simpleTable('shared-name'));
    await bob.send(new PutItemCommand({ TableName: 'shared-name', Item: { PK: { S: 'owner' }, who: { S: 'bob' } } }));

    const read = (client: DynamoDBClient) =>
      client.send(new GetItemCommand({ TableName: 'shared-name', Key: { PK: { S: 'owner' } } }));
    expect((await read(alice)).Item?.who?.S).toBe('alice');
    expect((await read(bob)).Item?.who?.S).toBe('bob');
  });

  it('stops the JVM when its parent process exits or is terminated', async () => {
    const script = `
      const { startDynamoDbLocal } = await import(${JSON.stringify(fileURLToPath(new URL('../../infra/local/dynamodb.ts', import.meta.url)))});
      const db = await startDynamoDbLocal();
      console.log(db.pid);
      if (process.argv[1] === 'exit') process.exit(0);
      setInterval(() => {}, 1_000);
    `;
    const parent = (how: 'exit' | 'sigterm') => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, how], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? code)),
      );
      const jvmPid = new Promise<number>((resolve) =>
        createInterface({ input: child.stdout }).once('line', (line) => resolve(Number(line))),
      );
      return { child, exited, jvmPid };
    };
    const exiting = parent('exit');
    const terminated = parent('sigterm');
    const jvms = await Promise.all([exiting.jvmPid, terminated.jvmPid]);
    try {
      expect(await isRunning(jvms[1])).toBe(true);

      terminated.child.kill('SIGTERM');

      expect(await exiting.exited).toBe(0);
      // The hook re-raises the signal, so the parent still ends as a terminated process would.
      expect(await terminated.exited).toBe('SIGTERM');
      for (const jvm of jvms) expect(await eventually(async () => !(await isRunning(jvm)))).toBe(true);
    } finally {
      // If the hooks failed, do not leave JVMs behind.
      for (const jvm of jvms) if (await isRunning(jvm)) process.kill(jvm, 'SIGKILL');
    }
  });

  it('keeps one database for every access key, across restarts, in a dataDir', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'abdi-dynamodb-'));
    try {
      const first = await startDynamoDbLocal({ dataDir });
      const writer = dynamoClient('persistWriter', { endpoint: first.endpoint });
      await writer.send(simpleTable('kept'));
      await writer.send(new PutItemCommand({ TableName: 'kept', Item: { PK: { S: 'still-here' } } }));
      await first.stop();

      const second = await startDynamoDbLocal({ dataDir });
      try {
        const reader = dynamoClient('persistReader', { endpoint: second.endpoint });
        const { Item } = await reader.send(new GetItemCommand({ TableName: 'kept', Key: { PK: { S: 'still-here' } } }));
        expect(Item).toEqual({ PK: { S: 'still-here' } });
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    ['there is no java on PATH', null, /Java 17 or newer.*no `java` found/],
    ['java is 11', 'openjdk version "11.0.22" 2024-01-16', /Java 17 or newer.*reports "11\.0\.22"/],
    ['java is 8', 'java version "1.8.0_401"', /Java 17 or newer.*reports "1\.8\.0_401"/],
  ])('refuses to start, saying why, when %s', async (_, versionLine, message) => {
    const bin = await mkdtemp(path.join(tmpdir(), 'abdi-java-'));
    const savedPath = process.env.PATH;
    try {
      if (versionLine !== null) {
        await writeFile(path.join(bin, 'java'), `#!/bin/sh\necho '${versionLine}' >&2\n`);
        await chmod(path.join(bin, 'java'), 0o755);
      }
      process.env.PATH = bin;
      await expect(startDynamoDbLocal()).rejects.toThrow(message);
    } finally {
      process.env.PATH = savedPath;
      await rm(bin, { recursive: true, force: true });
    }
  });
});

describe('ensureTables', () => {
  it('creates a missing table with its key schema, indexes, projections, TTL and stream', async () => {
    const client = dynamoClient('ensureCreate');

    const result = await ensureTables(client, [registrations()]);

    expect(result).toEqual({ created: ['abdi-registrations'], recreated: [], unchanged: [] });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'abdi-registrations' }));
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(Table?.KeySchema).toEqual(registrations().keySchema);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema, i.Projection])).toEqual([
      ['GSI1', registrations().globalSecondaryIndexes[0]?.KeySchema, { ProjectionType: 'ALL' }],
    ]);
    expect(Table?.LocalSecondaryIndexes?.[0]?.Projection).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['status', 'title'],
    });
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const { TimeToLiveDescription } = await client.send(
      new DescribeTimeToLiveCommand({ TableName: 'abdi-registrations' }),
    );
    expect(TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('leaves a table that matches its spec, and its items, alone (whatever order the spec lists things in)', async () => {
    const client = dynamoClient('ensureUnchanged');
    await ensureTables(client, [registrations()]);
    const item = { PK: { S: 'UNIT#1' }, SK: { S: 'RESP#1' } };
    await client.send(new PutItemCommand({ TableName: 'abdi-registrations', Item: item }));
    const reordered = registrations({
      attributeDefinitions: [...registrations().attributeDefinitions].reverse(),
      localSecondaryIndexes: registrations().localSecondaryIndexes.map((index) => ({
        ...index,
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title', 'status'] },
      })),
    });

    const result = await ensureTables(client, [reordered]);

    expect(result).toEqual({ created: [], recreated: [], unchanged: ['abdi-registrations'] });
    const { Item } = await client.send(new GetItemCommand({ TableName: 'abdi-registrations', Key: item }));
    expect(Item).toEqual(item);
  });

  const keysOnly = { ProjectionType: 'KEYS_ONLY' };
  it.each<[string, Partial<TableSpec>]>([
    [
      'sort key',
      {
        keySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        attributeDefinitions: registrations().attributeDefinitions.map((a) =>
          a.AttributeName === 'SK' ? { AttributeName: 'createdAt', AttributeType: 'N' } : a,
        ),
      },
    ],
    [
      'attribute types',
      {
        attributeDefinitions: registrations().attributeDefinitions.map((a) =>
          a.AttributeName === 'GSI1SK' ? { ...a, AttributeType: 'N' } : a,
        ),
      },
    ],
    [
      'set of GSIs',
      {
        globalSecondaryIndexes: [],
        attributeDefinitions: registrations().attributeDefinitions.filter((a) => !a.AttributeName.startsWith('GSI1')),
      },
    ],
    [
      'GSI projection',
      { globalSecondaryIndexes: registrations().globalSecondaryIndexes.map((i) => ({ ...i, Projection: keysOnly })) },
    ],
    [
      'LSI non-key attributes',
      {
        localSecondaryIndexes: registrations().localSecondaryIndexes.map((i) => ({
          ...i,
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        })),
      },
    ],
    ['TTL attribute', { ttlAttribute: 'deleteAt' }],
    ['TTL setting (none)', { ttlAttribute: undefined }],
    ['stream', { streamViewType: 'KEYS_ONLY' }],
  ])('recreates a table whose %s differs from its spec, dropping its items', async (what, change) => {
    const client = dynamoClient(`ensureRecreate${what.replace(/[^A-Za-z0-9]/g, '')}`);
    await ensureTables(client, [registrations()]);
    const item = { PK: { S: 'UNIT#1' }, SK: { S: 'RESP#1' } };
    await client.send(new PutItemCommand({ TableName: 'abdi-registrations', Item: item }));
    const changed = registrations(change);

    const result = await ensureTables(client, [changed]);

    expect(result).toEqual({ created: [], recreated: ['abdi-registrations'], unchanged: [] });
    const { Count } = await client.send(new ScanCommand({ TableName: 'abdi-registrations', Select: 'COUNT' }));
    expect(Count).toBe(0);
    // The table now has the new definition: a second pass finds nothing to do.
    expect(await ensureTables(client, [changed])).toEqual({
      created: [],
      recreated: [],
      unchanged: ['abdi-registrations'],
    });
  });
});

describe('AWS fault proxy in front of DynamoDB Local', () => {
  const faults = noFaults();
  let proxy: AwsFaultProxy;
  beforeAll(async () => {
    proxy = await startAwsFaultProxy({ target: dynamo.endpoint, faults, service: 'dynamodb' });
  });
  afterAll(() => proxy?.stop());
  beforeEach(() => {
    Object.assign(faults, noFaults());
  });

  it('forwards calls unchanged and counts them per operation and per access key', async () => {
    const viaProxy = dynamoClient('countA', { endpoint: proxy.endpoint });
    const other = dynamoClient('countB', { endpoint: proxy.endpoint });
    proxy.resetCounts();

    await viaProxy.send(simpleTable('forwarded'));
    await viaProxy.send(new PutItemCommand({ TableName: 'forwarded', Item: { PK: { S: 'a' } } }));
    await viaProxy.send(new PutItemCommand({ TableName: 'forwarded', Item: { PK: { S: 'b' } } }));
    await other.send(new ListTablesCommand({}));

    const direct = dynamoClient('countA');
    const { Count } = await direct.send(new ScanCommand({ TableName: 'forwarded', Select: 'COUNT' }));
    expect(Count).toBe(2);
    expect(proxy.counts('countA')).toEqual({ CreateTable: 1, PutItem: 2 });
    expect(proxy.counts('countB')).toEqual({ ListTables: 1 });
    expect(proxy.counts()).toEqual({ CreateTable: 1, PutItem: 2, ListTables: 1 });
    proxy.resetCounts();
    expect(proxy.counts()).toEqual({});
  });

  it('cancels about the configured share of TransactWriteItems with TransactionConflict, applying none of them', async () => {
    const client = dynamoClient('conflicts', { endpoint: proxy.endpoint, maxAttempts: 1 });
    await client.send(simpleTable('orders'));
    faults.dynamodb.transactionConflictRate = 0.3;
    const attempts = 1_000;
    let succeeded = 0;
    const failures: unknown[] = [];

    let next = 0;
    const worker = async () => {
      while (next < attempts) {
        const i = next++;
        try {
          await client.send(
            new TransactWriteItemsCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: 'orders',
                    Item: { PK: { S: `ORDER#${i}` } },
                    ConditionExpression: 'attribute_not_exists(PK)',
                  },
                },
                {
                  Update: {
                    TableName: 'orders',
                    Key: { PK: { S: 'COUNTER' } },
                    UpdateExpression: 'ADD placed :one',
                    ExpressionAttributeValues: { ':one': { N: '1' } },
                  },
                },
              ],
            }),
          );
          succeeded++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));

    // Binomial(1000, 0.3) has a standard deviation of 1.45 %: ±6 % is over 4 of them.
    expect(failures.length / attempts).toBeGreaterThan(0.24);
    expect(failures.length / attempts).toBeLessThan(0.36);
    const conflictAt = new Set<number>();
    for (const error of failures) {
      expect(error).toBeInstanceOf(TransactionCanceledException);
      const canceled = error as TransactionCanceledException;
      expect(canceled.name).toBe('TransactionCanceledException');
      expect(canceled.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
      expect(canceled.CancellationReasons).toHaveLength(2);
      const codes = canceled.CancellationReasons?.map((reason) => reason.Code);
      expect(codes?.filter((code) => code === 'TransactionConflict')).toHaveLength(1);
      expect(codes?.filter((code) => code === 'None')).toHaveLength(1);
      const index = codes?.indexOf('TransactionConflict') ?? -1;
      expect(canceled.CancellationReasons?.[index]?.Message).toBe('Transaction is ongoing for the item');
      expect(canceled.message).toBe(
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes?.join(', ')}]`,
      );
      conflictAt.add(index);
    }
    expect([...conflictAt].sort()).toEqual([0, 1]);
    faults.dynamodb.transactionConflictRate = 0;
    const { Count } = await client.send(
      new ScanCommand({
        TableName: 'orders',
        Select: 'COUNT',
        FilterExpression: 'begins_with(PK, :order)',
        ExpressionAttributeValues: { ':order': { S: 'ORDER#' } },
      }),
    );
    expect(Count).toBe(succeeded);
    const counter = await client.send(new GetItemCommand({ TableName: 'orders', Key: { PK: { S: 'COUNTER' } } }));
    expect(counter.Item?.placed?.N).toBe(String(succeeded));
    expect(proxy.counts('conflicts').TransactWriteItems).toBe(attempts);
  });

  it('throttles every call at rate 1 until the SDK gives up, applies nothing, and recovers when the rate drops', async () => {
    const client = dynamoClient('throttled', { endpoint: proxy.endpoint });
    const once = dynamoClient('throttled', { endpoint: proxy.endpoint, maxAttempts: 1 });
    await client.send(simpleTable('throttled'));
    faults.dynamodb.throttleRate = 1;

    // The SDK's own default for DynamoDB (4 in this version; 3 for most other services).
    const sdkAttempts = await client.config.maxAttempts();
    const read = client.send(new GetItemCommand({ TableName: 'throttled', Key: { PK: { S: 'a' } } }));
    await expect(read).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400, attempts: sdkAttempts },
      ThrottlingReasons: [
        {
          reason: 'TableReadKeyRangeThroughputExceeded',
          resource: 'arn:aws:dynamodb:ddblocal:000000000000:table/throttled',
        },
      ],
    });
    expect(sdkAttempts).toBeGreaterThan(1);
    expect(proxy.counts('throttled').GetItem).toBe(sdkAttempts);
    await expect(
      once.send(new PutItemCommand({ TableName: 'throttled', Item: { PK: { S: 'a' } } })),
    ).rejects.toMatchObject({ name: 'ProvisionedThroughputExceededException' });
    await expect(once.send(new ListTablesCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });

    faults.dynamodb.throttleRate = 0;
    const { Item } = await client.send(new GetItemCommand({ TableName: 'throttled', Key: { PK: { S: 'a' } } }));
    expect(Item).toBeUndefined();
    await client.send(new PutItemCommand({ TableName: 'throttled', Item: { PK: { S: 'a' } } }));
  });
});

const approvalEmail = (subject = 'Permohonan menunggu persetujuan') =>
  new SendEmailCommand({
    FromEmailAddress: 'abdi <no-reply@abdi.example.id>',
    Destination: { ToAddresses: ['kepala.unit@example.id'], CcAddresses: ['arsip@example.id'] },
    ReplyToAddresses: ['helpdesk@example.id'],
    Content: {
      Simple: {
        Subject: { Data: subject },
        Body: {
          Html: {
            Data:
              '<p>Permohonan baru.</p><p><a href="http://localhost:3000/approvals/01J?decision=approve&amp;token=t1">Setujui</a> ' +
              "<a href='https://abdi.example.id/approvals/01J?decision=reject'>Tolak</a> " +
              '<a href="mailto:helpdesk@example.id">Bantuan</a></p>',
          },
          Text: {
            Data:
              'Setujui: http://localhost:3000/approvals/01J?decision=approve&token=t1\n' +
              'Status: https://abdi.example.id/status/01J.',
          },
        },
      },
    },
  });

const APPROVAL_LINKS = [
  'http://localhost:3000/approvals/01J?decision=approve&token=t1',
  'https://abdi.example.id/approvals/01J?decision=reject',
  'https://abdi.example.id/status/01J',
];

describe('SES capture', () => {
  beforeEach(() => ses.clear());

  it('captures a SendEmail from the SDK with its addresses, parts and links', async () => {
    const { MessageId } = await sesClient(ses.endpoint).send(approvalEmail());

    const [email, ...others] = await ses.messages();

    expect(others).toEqual([]);
    expect(email).toMatchObject({
      id: MessageId,
      from: 'abdi <no-reply@abdi.example.id>',
      to: ['kepala.unit@example.id'],
      cc: ['arsip@example.id'],
      bcc: [],
      replyTo: ['helpdesk@example.id'],
      subject: 'Permohonan menunggu persetujuan',
      links: APPROVAL_LINKS,
      attachments: [],
    });
    expect(email?.text).toContain('Setujui: http://localhost:3000');
    expect(email?.html).toContain('<a href="http://localhost:3000');
    expect(Math.abs(Date.parse(email?.at ?? '') - Date.now())).toBeLessThan(5_000);
  });

  it('fails SendEmail at failure rate 1 after the SDK has tried 3 times, and sends it at rate 0', async () => {
    const faults = noFaults();
    const proxy = await startAwsFaultProxy({ target: ses.endpoint, faults, service: 'ses' });
    try {
      const client = sesClient(proxy.endpoint);
      faults.ses.failureRate = 1;

      await expect(client.send(approvalEmail())).rejects.toMatchObject({
        name: 'InternalFailure',
        $fault: 'server',
        $metadata: { httpStatusCode: 500, attempts: 3 },
      });
      expect(await ses.messages()).toEqual([]);
      expect(proxy.counts()).toEqual({ SendEmail: 3 });

      faults.ses.failureRate = 0;
      const { MessageId } = await client.send(approvalEmail());
      expect((await ses.messages()).map((email) => email.id)).toEqual([MessageId]);
    } finally {
      await proxy.stop();
    }
  });
});

describe('outbox page', () => {
  let server: Server;
  let base: string;
  const passedOn: string[] = [];
  beforeAll(async () => {
    const outbox = outboxRequestHandler(ses);
    server = createServer(async (req, res) => {
      const handled = await outbox(req, res, () => passedOn.push(req.url ?? ''));
      if (!handled) res.writeHead(418).end('not the outbox');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  beforeEach(() => ses.clear());

  it('lists captured emails newest first, with their links as anchors', async () => {
    const client = sesClient(ses.endpoint);
    const first = await client.send(approvalEmail('Permohonan pertama'));
    const second = await client.send(approvalEmail('Permohonan kedua'));

    const response = await fetch(`${base}/_outbox`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.indexOf('Permohonan kedua')).toBeGreaterThan(-1);
    expect(html.indexOf('Permohonan kedua')).toBeLessThan(html.indexOf('Permohonan pertama'));
    expect(html).toContain(`<a href="/_outbox/${second.MessageId}">Permohonan kedua</a>`);
    expect(html).toContain(`<a href="/_outbox/${first.MessageId}">Permohonan pertama</a>`);
    expect(html).toContain('kepala.unit@example.id');
    expect(html).toContain(
      '<a href="http://localhost:3000/approvals/01J?decision=approve&amp;token=t1">http://localhost:3000/approvals/01J?decision=approve&amp;token=t1</a>',
    );
  });

  it('shows one email with its headers, links, text part and the HTML part in a sandboxed iframe', async () => {
    const { MessageId } = await sesClient(ses.endpoint).send(approvalEmail());
    const [email] = await ses.messages();

    const response = await fetch(`${base}/_outbox/${MessageId}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('<h1>Permohonan menunggu persetujuan</h1>');
    expect(html).toContain('<th>From</th><td>abdi &lt;no-reply@abdi.example.id&gt;</td>');
    expect(html).toContain('<th>Cc</th><td>arsip@example.id</td>');
    for (const link of APPROVAL_LINKS) {
      expect(html).toContain(`<li><a href="${link.replaceAll('&', '&amp;')}">`);
    }
    expect(html).toContain(`<pre>${email?.text?.replaceAll('&', '&amp;')}</pre>`);
    const srcdoc = /<iframe sandbox="" title="HTML part" srcdoc="([^"]*)"><\/iframe>/.exec(html)?.[1];
    const decoded = srcdoc
      ?.replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
    expect(decoded).toBe(email?.html);
  });

  it('escapes hostile mail content and runs no script', async () => {
    const hostile = new SendEmailCommand({
      FromEmailAddress: 'attacker@example.id',
      Destination: { ToAddresses: ['"<img src=x onerror=alert(0)>" <victim@example.id>'] },
      Content: {
        Simple: {
          Subject: { Data: '<script>alert(1)</script>' },
          Body: {
            Html: { Data: '"></iframe><script>alert(2)</script><a href="javascript:alert(3)">x</a>' },
            Text: { Data: '</pre><script>alert(4)</script>' },
          },
        },
      },
    });
    const { MessageId } = await sesClient(ses.endpoint).send(hostile);

    for (const url of [`${base}/_outbox`, `${base}/_outbox/${MessageId}`]) {
      const response = await fetch(url);
      const html = await response.text();
      expect(html).not.toMatch(/<script|<img|javascript:alert\(3\)">/i);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    }
    const page = await (await fetch(`${base}/_outbox/${MessageId}`)).text();
    expect(page).toContain('<pre>&lt;/pre&gt;&lt;script&gt;alert(4)&lt;/script&gt;</pre>');
    expect(page).toContain('srcdoc="&quot;&gt;&lt;/iframe&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('serves the captured emails as JSON at /_outbox.json', async () => {
    await sesClient(ses.endpoint).send(approvalEmail());

    const response = await fetch(`${base}/_outbox.json`);

    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual(await ses.messages());
  });

  it('answers 404 for an unknown email and leaves other paths to the next handler', async () => {
    const missing = await fetch(`${base}/_outbox/ses-404`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('No captured email has the id <code>ses-404</code>');

    const elsewhere = await fetch(`${base}/forms?x=1`);
    expect(elsewhere.status).toBe(418);
    expect(passedOn).toEqual(['/forms?x=1']);
  });
});
