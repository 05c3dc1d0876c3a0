import { onFirstUse } from './clients.ts';
import { clientConfig, SERVICE_RETRIES } from './retry.ts';

/** Step Functions, to start approval executions and answer their task tokens: made on first use (./clients.ts). */
export const sfn = onFirstUse(
  () => import('@aws-sdk/client-sfn'),
  (sdk) => new sdk.SFNClient(clientConfig(SERVICE_RETRIES)),
);
