import { createHash, randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { replyAwsJson } from './aws-json.ts';
import type { SecretSpec } from './types.ts';

/** The local stand-in for Secrets Manager: `GetSecretValue` for every secret of the template. */
export interface LocalSecretsManager {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  endpoint: string;
  /** The current value of a secret, by ARN, name or logical id (for tests and seeds). */
  value(secretId: string): string | undefined;
  /** GetSecretValue calls answered so far, per secret name (unknown ids under their id). */
  calls(): Record<string, number>;
  stop(): Promise<void>;
}

interface StoredSecret {
  value: string;
  versionId: string;
  /** Epoch seconds, as the API reports CreatedDate. */
  createdDate: number;
}

// What GenerateSecretString draws from when nothing is excluded (Secrets Manager's documented default set).
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A random value as Secrets Manager's GenerateSecretString would make it from the template's parameters. */
export const generateSecretValue = (generate: NonNullable<SecretSpec['generate']>): string => {
  const excluded = new Set(generate.ExcludeCharacters ?? '');
  const groups = [
    generate.ExcludeLowercase ? '' : LOWER,
    generate.ExcludeUppercase ? '' : UPPER,
    generate.ExcludeNumbers ? '' : DIGITS,
    generate.ExcludePunctuation ? '' : PUNCTUATION,
    generate.IncludeSpace ? ' ' : '',
  ]
    .map((group) => [...group].filter((c) => !excluded.has(c)).join(''))
    .filter((group) => group.length > 0);
  const alphabet = groups.join('');
  const length = generate.PasswordLength ?? 32;
  if (alphabet.length === 0) throw new Error('GenerateSecretString excludes every character');
  const draw = () => Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
  let password = draw();
  // RequireEachIncludedType (default true): at least one character of each group, when the length allows it.
  if (generate.RequireEachIncludedType !== false && length >= groups.length) {
    while (!groups.every((group) => [...password].some((c) => group.includes(c)))) password = draw();
  }
  if (generate.SecretStringTemplate !== undefined && generate.GenerateStringKey !== undefined) {
    return JSON.stringify({ ...JSON.parse(generate.SecretStringTemplate), [generate.GenerateStringKey]: password });
  }
  return password;
};

/**
 * Serves `GetSecretValue` (AWS JSON 1.1, `x-amz-target: secretsmanager.GetSecretValue`) on 127.0.0.1 for the
 * template's secrets, so functions read them through the unchanged SDK client. A secret with a literal
 * `SecretString` answers it; one with `GenerateSecretString` gets a random value at first start, kept in `file` when
 * given, so a restart keeps the values (and everything derived from them, such as NIP hashes in keys).
 */
export const startLocalSecretsManager = async (options: {
  secrets: SecretSpec[];
  /** Where generated values persist (mode 0600). @default in memory */
  file?: string;
}): Promise<LocalSecretsManager> => {
  const stored: Record<string, StoredSecret> =
    options.file && existsSync(options.file)
      ? (JSON.parse(readFileSync(options.file, 'utf8')) as { secrets: Record<string, StoredSecret> }).secrets
      : {};
  const now = Math.floor(Date.now() / 1000);
  const values = new Map<string, StoredSecret>();
  for (const spec of options.secrets) {
    const literal = spec.secretString;
    const kept = stored[spec.name];
    const secret =
      literal !== undefined
        ? { value: literal, versionId: kept?.versionId ?? randomUUID(), createdDate: kept?.createdDate ?? now }
        : (kept ?? { value: generateSecretValue(spec.generate ?? {}), versionId: randomUUID(), createdDate: now });
    values.set(spec.name, secret);
    stored[spec.name] = secret;
  }
  if (options.file) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    writeFileSync(options.file, `${JSON.stringify({ secrets: stored }, null, 2)}\n`, { mode: 0o600 });
  }

  // SecretId may be the ARN, the name, or the ARN without its six-character suffix (a partial ARN).
  const find = (secretId: string): SecretSpec | undefined =>
    options.secrets.find(
      (spec) =>
        spec.arn === secretId ||
        spec.name === secretId ||
        spec.logicalId === secretId ||
        spec.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId,
    );
  const counts = new Map<string, number>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
      return replyAwsJson(res, 400, {
        __type: 'UnknownOperationException',
        message: `the local Secrets Manager serves GetSecretValue only, not ${target || `${req.method} ${req.url}`}`,
      });
    }
    let request: { SecretId?: unknown; VersionId?: unknown; VersionStage?: unknown };
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      return replyAwsJson(res, 400, { __type: 'SerializationException', message: 'the request body is not JSON' });
    }
    const secretId = String(request.SecretId ?? '');
    const spec = find(secretId);
    counts.set(spec?.name ?? secretId, (counts.get(spec?.name ?? secretId) ?? 0) + 1);
    const secret = spec && values.get(spec.name);
    if (!spec || !secret) {
      return replyAwsJson(res, 400, {
        __type: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret.",
      });
    }
    // One version per secret: AWSCURRENT.
    if (
      (request.VersionId !== undefined && request.VersionId !== secret.versionId) ||
      (request.VersionStage !== undefined && request.VersionStage !== 'AWSCURRENT')
    ) {
      return replyAwsJson(res, 400, {
        __type: 'ResourceNotFoundException',
        Message: "Secrets Manager can't find the specified secret value for the given version.",
      });
    }
    replyAwsJson(res, 200, {
      ARN: spec.arn,
      Name: spec.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) replyAwsJson(res, 500, { __type: 'InternalServiceError', message: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    value: (secretId) => {
      const spec = find(secretId);
      return spec && values.get(spec.name)?.value;
    },
    calls: () => Object.fromEntries(counts),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** A stable six-character suffix for a local secret ARN (AWS appends six random characters to the name). */
export const secretArnSuffix = (name: string): string => createHash('sha256').update(name).digest('hex').slice(0, 6);
