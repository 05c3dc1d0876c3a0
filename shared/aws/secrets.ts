import { NIP_HMAC_SECRET_ENV } from '#shared/nip-hash';
import { onFirstUse } from './clients.ts';
import { clientConfig, SERVICE_RETRIES } from './retry.ts';

/** Secrets Manager, for the NIP HMAC key (read once per sandbox): made on first use (./clients.ts). */
const secretsManager = onFirstUse(
  () => import('@aws-sdk/client-secrets-manager'),
  (sdk) => new sdk.SecretsManagerClient(clientConfig(SERVICE_RETRIES)),
);

/** What a secret reader needs: the string value of a secret, undefined when it has none. Unit tests pass a fake. */
export type FetchSecretString = (secretId: string) => Promise<string | undefined>;

/**
 * A reader of secret strings that asks Secrets Manager once per secret per execution environment: the first call
 * fetches, later calls (and concurrent first calls) share the answer. A failed fetch is forgotten, so the next call
 * tries again.
 */
export const secretReader = (fetchSecretString: FetchSecretString): ((secretId: string) => Promise<string>) => {
  const cache = new Map<string, Promise<string>>();
  return (secretId) => {
    let value = cache.get(secretId);
    if (value === undefined) {
      value = fetchSecretString(secretId).then((secret) => {
        if (secret === undefined) throw new Error(`secret ${secretId} has no string value`);
        return secret;
      });
      cache.set(secretId, value);
      value.catch(() => cache.delete(secretId));
    }
    return value;
  };
};

/** Reads secrets through the module-scope client, cached per execution environment. */
export const readSecret = secretReader(async (secretId) => {
  const { sdk, client } = await secretsManager();
  return (await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }))).SecretString;
});

/**
 * The NIP HMAC key: the secret whose ARN the function's environment holds in `NIP_HMAC_SECRET_ARN`. Use with
 * `nipHash(await nipHmacKey(), nip)`.
 */
export const nipHmacKey = (): Promise<string> => {
  const secretId = process.env[NIP_HMAC_SECRET_ENV];
  if (!secretId) return Promise.reject(new Error(`${NIP_HMAC_SECRET_ENV} is not set for this function`));
  return readSecret(secretId);
};
