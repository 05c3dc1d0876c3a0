import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig, DYNAMODB_RETRIES } from './retry.ts';

// AWS clients, created once per execution environment. Locally the runtime points them at its emulators through
// AWS_ENDPOINT_URL_* variables; nothing here knows where it runs. Every client retries within the invocation's
// deadline and times its requests out (shared/aws/retry.ts).
export const dynamo = new DynamoDBClient(clientConfig(DYNAMODB_RETRIES));
export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

/**
 * A client of a service most invocations never call, with its SDK module (for the command classes): both loaded
 * on first use. The dynamic import puts the module in a chunk of its own (infra/constructs/bundle.ts), so a cold start
 * that does not call the service neither reads nor runs it (docs/performance.md). Each such client is declared in a
 * module of its own beside this one (`ses.ts`, `sfn.ts`, `cognito.ts`, Secrets Manager in `secrets.ts`): esbuild
 * emits a chunk for every `import()` of a module it bundles, used or not, so one module holding them all would put
 * every service's SDK into every function's zip. A failed load is forgotten.
 */
export const onFirstUse = <Sdk, Client>(load: () => Promise<Sdk>, create: (sdk: Sdk) => Client) => {
  let loading: Promise<{ sdk: Sdk; client: Client }> | undefined;
  return (): Promise<{ sdk: Sdk; client: Client }> => {
    if (!loading) {
      const started = load().then((sdk) => ({ sdk, client: create(sdk) }));
      started.catch(() => {
        loading = undefined;
      });
      loading = started;
    }
    return loading;
  };
};

/** Name of the domain table, from the function's environment (set by `AbdiFunction.bindTable`). */
export const tableName = (): string => {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set for this function');
  return name;
};
