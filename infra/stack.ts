import { Aws, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { endpoints } from '#shared/http/catalogue';
import { Api } from './constructs/api.ts';
import { StaffAuth } from './constructs/auth.ts';
import { Data } from './constructs/data.ts';
import { AbdiFunction } from './constructs/function.ts';
import { Monitoring } from './constructs/monitoring.ts';

export interface AbdiStackProps extends StackProps {
  stage: string;
  alarmEmail?: string;
  existingTableName?: string;
  /**
   * Public base URL of the API (custom domain), used in emails, QR codes and login callbacks.
   * @default the HTTP API's own endpoint
   */
  publicBaseUrl?: string;
  /** Prefix of the managed-login domain (`<prefix>.auth.<region>.amazoncognito.com`). @default abdi-<stage>-<account> */
  loginDomainPrefix?: string;
}

/** One deployment of abdi: one local government, one stage. */
export class AbdiStack extends Stack {
  constructor(scope: Construct, id: string, props: AbdiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const data = new Data(this, 'Data', { stage, existingTableName: props.existingTableName });
    const auth = new StaffAuth(this, 'Auth', { stage });
    const api = new Api(this, 'Api', { stage, auth });
    const monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: props.alarmEmail });
    monitoring.watchApi(api.httpApi);
    const publicBaseUrl = props.publicBaseUrl ?? api.httpApi.apiEndpoint;
    auth.addWebClient(publicBaseUrl, props.loginDomainPrefix ?? `abdi-${stage}-${Aws.ACCOUNT_ID}`);
    // Every HTTP function can verify staff sessions and build public links.
    const httpEnvironment = {
      PUBLIC_BASE_URL: publicBaseUrl,
      STAFF_USER_POOL_ID: auth.userPool.userPoolId,
      STAFF_WEB_CLIENT_ID: auth.webClient.userPoolClientId,
    };

    for (const endpoint of endpoints) {
      const fn = new AbdiFunction(this, endpoint.id, {
        entry: endpoint.entry,
        description: endpoint.description,
        stage,
        environment: httpEnvironment,
      });
      if (endpoint.table) fn.bindTable(data.table, endpoint.table);
      if (endpoint.routes.some((route) => route.idempotent)) {
        fn.bindTable(data.idempotencyTable, 'RW', 'IDEMPOTENCY_TABLE_NAME');
      }
      api.addRoutes(fn, endpoint.routes);
      monitoring.watchFunction(endpoint.id, fn.fn);
    }
  }
}
