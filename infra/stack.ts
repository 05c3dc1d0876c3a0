import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { endpoints } from '#shared/http/catalogue';
import { NIP_HMAC_SECRET_ENV } from '#shared/nip-hash';
import { DEFAULT_RETENTION, type RetentionSettings } from '#shared/retention/settings';
import { Api } from './constructs/api.ts';
import { StaffAuth } from './constructs/auth.ts';
import { Data } from './constructs/data.ts';
import { AbdiFunction } from './constructs/function.ts';
import { Mail } from './constructs/mail.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Operations } from './constructs/operations.ts';
import { Retention } from './constructs/retention.ts';
import { Secrets } from './constructs/secrets.ts';
import { SurveyJobs } from './constructs/surveys.ts';
import { Workflow } from './constructs/workflow.ts';

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
  /** Domain of the SES sending identity the stack creates (see `MailProps.mailDomain`). @default none */
  mailDomain?: string;
  /** Sender address of all mail. @default `noreply@<mailDomain>` */
  mailFrom?: string;
  /**
   * The sender's identity (`mailDomain`, else the `mailFrom` address) is verified in SES: the staff user pool then
   * sends invitations through it. Cognito checks this at deploy time, so it is a second step after the identity
   * verifies. @default false: Cognito's own sender, about 50 emails a day
   */
  sesVerified?: boolean;
  /** Custom domain of the API and the ACM certificate for it; the public base URL then defaults to it. */
  customDomain?: { domainName: string; certificateArn: string };
  /** How long closed submissions, audit trails and survey responses are kept. @default {@link DEFAULT_RETENTION} */
  retention?: RetentionSettings;
}

/** One deployment of abdi: one local government, one stage. */
export class AbdiStack extends Stack {
  /**
   * Secrets functions read at run time. A function that hashes NIPs gets
   * `fn.bindSecret(this.secrets.nipHmac, NIP_HMAC_SECRET_ENV)`.
   */
  readonly secrets: Secrets;

  constructor(scope: Construct, id: string, props: AbdiStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const data = new Data(this, 'Data', { stage, existingTableName: props.existingTableName });
    this.secrets = new Secrets(this, 'Secrets', { stage });
    if (props.sesVerified && !props.mailDomain && !props.mailFrom) {
      throw new Error('sesVerified needs the sender: mailDomain or mailFrom');
    }
    const auth = new StaffAuth(this, 'Auth', {
      stage,
      sesSender: props.sesVerified
        ? { from: props.mailFrom ?? `noreply@${props.mailDomain}`, verifiedDomain: props.mailDomain }
        : undefined,
    });
    const api = new Api(this, 'Api', { stage, auth, customDomain: props.customDomain });
    const monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: props.alarmEmail });
    monitoring.watchApi(api.httpApi);
    const publicBaseUrl =
      props.publicBaseUrl ??
      (props.customDomain ? `https://${props.customDomain.domainName}` : api.httpApi.apiEndpoint);
    auth.addWebClient(publicBaseUrl, props.loginDomainPrefix ?? `abdi-${stage}-${Aws.ACCOUNT_ID}`);
    // Every HTTP function can verify staff sessions and build public links.
    const httpEnvironment = auth.sessionEnvironment(publicBaseUrl);
    // Built before the endpoints: some of them send mail.
    const mail = new Mail(this, 'Mail', {
      stage,
      table: data.table,
      publicBaseUrl,
      mailDomain: props.mailDomain,
      mailFrom: props.mailFrom,
    });

    // The approval engine (before the endpoints: some start executions or answer task tokens).
    const workflow = new Workflow(this, 'Workflow', { stage, table: data.table, mail, monitoring });

    for (const endpoint of endpoints) {
      const fn = new AbdiFunction(this, endpoint.id, {
        entry: endpoint.entry,
        description: endpoint.description,
        stage,
        environment: httpEnvironment,
        timeout: endpoint.timeoutSeconds ? Duration.seconds(endpoint.timeoutSeconds) : undefined,
      });
      if (endpoint.table) fn.bindTable(data.table, endpoint.table);
      if (endpoint.routes.some((route) => route.idempotent)) {
        fn.bindTable(data.idempotencyTable, 'RW', 'IDEMPOTENCY_TABLE_NAME');
      }
      // Rate-limited routes count requests per client pseudonym (an HMAC of the IP under the secret key).
      if (endpoint.routes.some((route) => route.rateLimit)) {
        if (endpoint.table !== 'RW') throw new Error(`${endpoint.id}: rate-limited routes need table: 'RW'`);
        fn.bindSecret(this.secrets.nipHmac, NIP_HMAC_SECRET_ENV);
      }
      // Functions that store NIPs keep only their HMAC (the directory's people).
      if (endpoint.nipHmac) fn.bindSecret(this.secrets.nipHmac, NIP_HMAC_SECRET_ENV);
      if (endpoint.cognitoAdmin) auth.grantAdmin(fn, endpoint.cognitoAdmin);
      if (endpoint.mail) mail.bindMail(fn);
      if (endpoint.approvals?.includes('start')) workflow.grantStart(fn);
      if (endpoint.approvals?.includes('signal')) workflow.grantSignal(fn);
      api.addRoutes(fn, endpoint.routes);
      monitoring.watchFunction(endpoint.id, fn.fn);
    }

    monitoring.watchFunction('MailSesEvents', mail.eventsFunction.fn);
    monitoring.watchMail();
    new SurveyJobs(this, 'Surveys', { stage, table: data.table, mail, monitoring });
    const operations = new Operations(this, 'Operations', { stage, table: data.table, mail, monitoring });
    workflow.grantSignal(operations.reconciler, { operate: true });
    new Retention(this, 'Retention', {
      stage,
      table: data.table,
      monitoring,
      settings: props.retention ?? DEFAULT_RETENTION,
    });
  }
}
