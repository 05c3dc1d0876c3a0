import { onFirstUse } from './clients.ts';
import { clientConfig, SERVICE_RETRIES } from './retry.ts';

/** The Cognito admin API, for staff administration: made on first use (./clients.ts). */
export const cognito = onFirstUse(
  () => import('@aws-sdk/client-cognito-identity-provider'),
  (sdk) => new sdk.CognitoIdentityProviderClient(clientConfig(SERVICE_RETRIES)),
);
