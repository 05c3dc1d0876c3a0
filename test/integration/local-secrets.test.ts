import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecretValue, type LocalSecretsManager, startLocalSecretsManager } from '#infra/local/secrets';
import type { SecretSpec } from '#infra/local/types';

const ARN = 'arn:aws:secretsmanager:ap-southeast-3:000000000000:secret:abdi-test-SecretsNipHmac-1a2b3c';
const specs: SecretSpec[] = [
  {
    logicalId: 'SecretsNipHmac',
    name: 'abdi-test-SecretsNipHmac',
    arn: ARN,
    generate: { PasswordLength: 64, ExcludePunctuation: true },
  },
  {
    logicalId: 'Literal',
    name: 'literal',
    arn: 'arn:aws:secretsmanager:ap-southeast-3:000000000000:secret:literal-abcdef',
    secretString: 'plain value',
  },
];

let dir: string;
const started: LocalSecretsManager[] = [];
const start = async (file?: string) => {
  const secrets = await startLocalSecretsManager({ secrets: specs, file });
  started.push(secrets);
  return secrets;
};
const client = (endpoint: string) =>
  new SecretsManagerClient({
    region: 'ap-southeast-3',
    endpoint,
    credentials: { accessKeyId: 'localsecrets', secretAccessKey: 'local' },
  });

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'abdi-secrets-'));
});

afterAll(async () => {
  for (const secrets of started) await secrets.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('local Secrets Manager', () => {
  it('answers GetSecretValue by ARN, name or partial ARN, as the SDK expects', async () => {
    const secrets = await start();
    const sm = client(secrets.endpoint);
    const byArn = await sm.send(new GetSecretValueCommand({ SecretId: ARN }));
    expect(byArn).toMatchObject({ ARN, Name: 'abdi-test-SecretsNipHmac', VersionStages: ['AWSCURRENT'] });
    expect(byArn.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    for (const SecretId of ['abdi-test-SecretsNipHmac', ARN.replace(/-1a2b3c$/, '')]) {
      expect((await sm.send(new GetSecretValueCommand({ SecretId }))).SecretString).toBe(byArn.SecretString);
    }
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'literal' }))).SecretString).toBe('plain value');
    expect(secrets.calls()).toEqual({ 'abdi-test-SecretsNipHmac': 3, literal: 1 });
  });

  it('answers an unknown secret or version with ResourceNotFoundException', async () => {
    const sm = client((await start()).endpoint);
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      sm.send(new GetSecretValueCommand({ SecretId: ARN, VersionStage: 'AWSPREVIOUS' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('is where a default SDK client goes when AWS_ENDPOINT_URL_SECRETS_MANAGER points at it', async () => {
    const secrets = await start();
    const previous = process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.endpoint;
    try {
      const sm = new SecretsManagerClient({
        region: 'ap-southeast-3',
        credentials: { accessKeyId: 'localsecrets', secretAccessKey: 'local' },
      });
      expect((await sm.send(new GetSecretValueCommand({ SecretId: ARN }))).SecretString).toBe(secrets.value(ARN));
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
      else process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = previous;
    }
  });

  it('keeps generated values across restarts in its file, readable by the owner only', async () => {
    const file = path.join(dir, 'data', 'secrets.json');
    const first = (await start(file)).value(ARN);
    const again = (await start(file)).value(ARN);
    expect(again).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // Without a file every start draws anew.
    expect((await start()).value(ARN)).not.toBe((await start()).value(ARN));
  });
});

describe('generateSecretValue', () => {
  it('draws the length and characters GenerateSecretString asks for, one of each included type', () => {
    for (let i = 0; i < 50; i++) {
      const value = generateSecretValue({ PasswordLength: 12, ExcludeCharacters: 'abcdefghijklmnopqrstuvwxy' });
      expect(value).toHaveLength(12);
      expect(value).toMatch(/[z]/);
      expect(value).toMatch(/[A-Z]/);
      expect(value).toMatch(/[0-9]/);
      expect(value).not.toMatch(/[a-y]/);
    }
    expect(generateSecretValue({})).toHaveLength(32);
  });

  it('puts the value under GenerateStringKey of the SecretStringTemplate', () => {
    const value = JSON.parse(
      generateSecretValue({
        SecretStringTemplate: '{"username":"abdi"}',
        GenerateStringKey: 'password',
        ExcludePunctuation: true,
      }),
    );
    expect(value.username).toBe('abdi');
    expect(value.password).toMatch(/^[A-Za-z0-9]{32}$/);
  });
});
