import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig, DYNAMODB_RETRIES, MAIL_RETRIES, SERVICE_RETRIES } from './retry.ts';

// AWS clients, created once per execution environment. Locally the runtime points them at its emulators through
// AWS_ENDPOINT_URL_* variables; nothing here knows where it runs. Every client retries within the invocation's
// deadline and times its requests out (shared/aws/retry.ts).
export const dynamo = new DynamoDBClient(clientConfig(DYNAMODB_RETRIES));
export const documents = DynamoDBDocumentClient.from(dynamo, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});
// Pure: bundles of functions that send no mail leave the SES client out.
export const ses = /* @__PURE__ */ new SESv2Client(/* @__PURE__ */ clientConfig(MAIL_RETRIES));
// Pure as well: only functions that read a secret (the NIP HMAC key) bundle Secrets Manager.
export const secretsManager = /* @__PURE__ */ new SecretsManagerClient(/* @__PURE__ */ clientConfig(SERVICE_RETRIES));
// Pure too: only the staff administration functions talk to the user pool.
export const cognito = /* @__PURE__ */ new CognitoIdentityProviderClient(/* @__PURE__ */ clientConfig(SERVICE_RETRIES));
// And only the functions that start approval executions or answer their task tokens bundle Step Functions.
export const sfn = /* @__PURE__ */ new SFNClient(/* @__PURE__ */ clientConfig(SERVICE_RETRIES));

/** Name of the domain table, from the function's environment (set by `AbdiFunction.bindTable`). */
export const tableName = (): string => {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set for this function');
  return name;
};
