import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError } from '#shared/errors';
import { nipHash } from '#shared/nip-hash';
import { json } from '#test/support/http';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ app: 'test/fixtures/platform-app/app.ts', accessKeyId: 'transactions' });
});

afterAll(async () => {
  await cloud?.stop();
});

const domainTable = () => cloud.system.tables.find((t) => t.logicalId.startsWith('DataDomain'))!.tableName;

describe('the transaction helper under injected TransactionConflict', () => {
  it('counts 200 concurrent increments exactly at a 30 % conflict rate, without a 5xx', async () => {
    cloud.faults.dynamodb.transactionConflictRate = 0.3;
    cloud.resetDynamodbCalls();
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(`${cloud.url}/counter/storm`, { method: 'POST' }).then(async (response) => ({
            status: response.status,
            body: await json(response),
          })),
        ),
      );

      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      // Every request wrote its own step of the counter: 1..200, each once.
      const counts = answers.map((answer) => answer.body.count as number).sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // The conflicts were there and were retried inside the helper, not surfaced.
      const contentionRetries = answers.reduce((sum, answer) => sum + answer.body.contentionRetries, 0);
      expect(contentionRetries).toBeGreaterThan(0);
      expect(cloud.dynamodbCalls().TransactWriteItems).toBeGreaterThan(200 + contentionRetries - 1);
    } finally {
      cloud.faults.dynamodb.transactionConflictRate = 0;
    }

    // The stored counter and its increment items, written in the same transactions, agree.
    const items = await cloud.dynamodb.send(
      new QueryCommand({
        TableName: domainTable(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'COUNTER#storm' } },
        ConsistentRead: true,
      }),
    );
    const counter = items.Items?.find((item) => item.SK?.S === 'COUNTER');
    expect(counter?.count?.N).toBe('200');
    expect(counter?.version?.N).toBe('200');
    expect(items.Items?.filter((item) => item.SK?.S?.startsWith('INC#'))).toHaveLength(200);
  });
});

describe('the transaction helper against DynamoDB Local', () => {
  it('builds the failing item’s domain error from the item as stored, and writes nothing', async () => {
    const documents = DynamoDBDocumentClient.from(cloud.dynamodb);
    const TableName = domainTable();
    const registration = (id: string): TransactionItem[] => [
      { label: 'registration', put: { TableName, Item: { PK: `REG#${id}`, SK: 'REG', nipHash: 'h4sh' } } },
      {
        label: 'nip-uniqueness',
        put: {
          TableName,
          Item: { PK: 'TRAINING#T1', SK: 'NIP#h4sh', registrationId: id },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
        onConditionFailed: ({ existing }) =>
          new ConflictError(`a registration for this NIP exists: ${String(existing?.registrationId)}`),
      },
    ];

    expect(await transact(documents, registration('first'))).toEqual({ attempts: 1 });
    await expect(transact(documents, registration('second'))).rejects.toThrow(
      new ConflictError('a registration for this NIP exists: first'),
    );
    const second = await documents.send(new GetCommand({ TableName, Key: { PK: 'REG#second', SK: 'REG' } }));
    expect(second.Item).toBeUndefined();
  });
});

describe('NIP hashing with the key from Secrets Manager', () => {
  const secret = () => cloud.system.secrets.find((s) => s.logicalId.startsWith('SecretsNipHmac'))!;
  const hashOf = async (nip: string) => {
    const response = await fetch(`${cloud.url}/nip-hash`, { method: 'POST', body: JSON.stringify({ nip }) });
    expect(response.status).toBe(200);
    return (await json(response)).hash as string;
  };

  it('serves the template’s generated secret, whose value is nowhere in the template', () => {
    expect(secret().secretString).toBeUndefined();
    expect(secret().generate).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true });
    expect(cloud.secrets.value(secret().arn)).toMatch(/^[A-Za-z0-9]{64}$/);
  });

  it('hashes a NIP inside a function with the secret read through the SDK, however the NIP is written', async () => {
    const key = await new SecretsManagerClient({
      region: cloud.env.AWS_REGION,
      endpoint: cloud.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      credentials: { accessKeyId: 'transactions', secretAccessKey: 'local' },
    }).send(new GetSecretValueCommand({ SecretId: secret().arn }));

    const spaced = await hashOf('19800101 200501 1 001');
    expect(await hashOf('198001012005011001')).toBe(spaced);
    expect(spaced).toBe(nipHash(key.SecretString!, '198001012005011001'));
    expect(spaced).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await hashOf('198001012005011002')).not.toBe(spaced);
  });

  it('reads the secret once per execution environment, not per request', async () => {
    const fn = cloud.system.functions.find((f) => f.logicalId.startsWith('NipHash'))!.functionName;
    const reads = () => cloud.secrets.calls()[secret().name] ?? 0;
    const sandboxes = () => cloud.lambda.stats()[fn]!.coldStarts;
    const [readsBefore, sandboxesBefore] = [reads(), sandboxes()];
    for (let i = 0; i < 5; i++) await hashOf('199002022015032002');
    expect(reads() - readsBefore).toBe(sandboxes() - sandboxesBefore);
    expect(reads() - readsBefore).toBeLessThan(5);
  });
});
