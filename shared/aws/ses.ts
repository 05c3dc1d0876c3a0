import { onFirstUse } from './clients.ts';
import { clientConfig, MAIL_RETRIES } from './retry.ts';

/** SES, for the outbox's deliveries: made on first use (./clients.ts). */
export const ses = onFirstUse(
  () => import('@aws-sdk/client-sesv2'),
  (sdk) => new sdk.SESv2Client(clientConfig(MAIL_RETRIES)),
);
