import { createHash } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { dynamo } from '#shared/aws/clients';
import { logger } from '#shared/observability';
import { HttpProblem } from './problem.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

let persistenceStore: DynamoDBPersistenceLayer | undefined;
const store = () => {
  if (!persistenceStore) {
    const tableName = process.env.IDEMPOTENCY_TABLE_NAME;
    if (!tableName) throw new Error('IDEMPOTENCY_TABLE_NAME is not set for this function');
    persistenceStore = new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: dynamo });
  }
  return persistenceStore;
};

/** The client's Idempotency-Key header, checked: printable ASCII, at most 255 characters. */
export const idempotencyKeyOf = (headers: Record<string, string | undefined> | undefined): string | undefined => {
  const key = headers?.[IDEMPOTENCY_HEADER];
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new HttpProblem(400, 'bad-idempotency-key', 'Idempotency-Key tidak sah', {
      detail: 'Gunakan 1 sampai 255 karakter ASCII yang terlihat, misalnya sebuah UUID.',
    });
  }
  return key;
};

/**
 * A stable id for what a keyed request creates: the same caller and key give the same id, so the database's
 * create-if-absent condition is the last guard even if the idempotency record is lost. 26 Crockford base32
 * characters, like the ULIDs used elsewhere (but not time-ordered).
 */
export const idFromIdempotencyKey = (scope: string, key: string): string => {
  const digest = createHash('sha256').update(`${scope}\n${key}`).digest();
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let id = '';
  for (let i = 0; i < 26; i++) id += alphabet[digest[i]! & 31];
  return id;
};

/**
 * Runs `work` at most once per (scope, key) with Powertools idempotency: a retry gets the first answer; the same
 * key with another payload is a 422; a retry while the first is still running is a 409 with Retry-After.
 * Failures are not remembered (the record is removed), so a client may retry a failed request.
 */
export const once = async <T>(
  scope: string,
  key: string,
  payload: unknown,
  context: Context,
  work: () => Promise<T>,
): Promise<T> => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'payload',
    expiresAfterSeconds: 24 * 3600,
  });
  config.registerLambdaContext(context);
  let done: { answer: T } | undefined;
  // The stored answer is its JSON (undefined fields dropped), exactly what a replay returns.
  const run = makeIdempotent(
    async (_request: { key: string; payload: unknown }) => {
      done = { answer: JSON.parse(JSON.stringify(await work())) as T };
      return done.answer;
    },
    {
      persistenceStore: store(),
      config,
    },
  );
  try {
    return (await run({ key: `${scope}#${key}`, payload: payload ?? null })) as T;
  } catch (error) {
    // The work committed but its answer could not be recorded (the store throttled): the request is done and is
    // answered so. Until the record's in-progress window ends a retry is told to wait (409); then it runs again, meets
    // its own item at the guard of the id derived from the key, and is answered with it (shared/db/keyed-create.ts).
    if (done && error instanceof IdempotencyPersistenceLayerError) {
      logger.warn('idempotency record not saved after the work was done', { error: error.name });
      return done.answer;
    }
    if (error instanceof IdempotencyValidationError) {
      throw new HttpProblem(422, 'idempotency-key-reused', 'Idempotency-Key sudah dipakai untuk permintaan lain', {
        detail: 'Kunci yang sama hanya boleh dipakai untuk mengulang permintaan yang sama persis.',
      });
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new HttpProblem(
        409,
        'idempotency-in-progress',
        'Permintaan yang sama sedang diproses',
        { detail: 'Coba lagi sebentar lagi.' },
        { 'retry-after': '2' },
      );
    }
    throw error;
  }
};
