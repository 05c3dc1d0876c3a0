import { CfnOutput, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AbdiFunction } from './function.ts';

export interface MailProps {
  stage: string;
  table: ITable;
  /** Absolute base URL of links in emails (custom domain, else the API endpoint). */
  publicBaseUrl: string;
  /**
   * Domain the stack creates a verified SES identity for (Easy DKIM; its DKIM CNAMEs are stack outputs, and a custom
   * MAIL FROM `bounce.<domain>` for SPF/DMARC alignment). Without it, verify the sender's address or domain in SES
   * yourself before go-live.
   * @default none: no identity is created
   */
  mailDomain?: string;
  /**
   * Sender of every email, a plain address or `Display Name <address>`.
   * @default `noreply@<mailDomain>`, or `noreply@abdi.invalid` without a domain (SES refuses it: mail ends `failed`
   *   until configured, and the reconciler's alarm says so)
   */
  mailFrom?: string;
}

/**
 * Outgoing mail: the SES configuration set every send uses (reputation metrics, the account suppression list for
 * bounces and complaints), its event destination publishing bounces and complaints to an SNS topic, the function that
 * records them (suppressing recipients, marking outbox items), and {@link Mail.bindMail} for functions that send.
 */
export class Mail extends Construct {
  readonly configurationSet: ConfigurationSet;
  /** Bounce and complaint events. */
  readonly events: Topic;
  readonly eventsFunction: AbdiFunction;
  /** The sender address functions use (`MAIL_FROM`). */
  readonly from: string;
  private readonly sendResources: string[];
  private readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.publicBaseUrl = props.publicBaseUrl;
    this.from = props.mailFrom ?? `noreply@${props.mailDomain ?? 'abdi.invalid'}`;
    const address = /<([^<>]+)>\s*$/.exec(this.from)?.[1] ?? this.from;
    const senderDomain = address.split('@')[1] ?? address;

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.events = new Topic(this, 'Events', { displayName: 'abdi mail bounces and complaints', enforceSSL: true });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.events),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    if (props.mailDomain) {
      const identity = new EmailIdentity(this, 'Identity', {
        identity: Identity.domain(props.mailDomain),
        configurationSet: this.configurationSet,
        mailFromDomain: `bounce.${props.mailDomain}`,
      });
      identity.dkimRecords.forEach((record, index) => {
        new CfnOutput(this, `DkimRecord${index + 1}`, { value: `${record.name} CNAME ${record.value}` });
      });
    }

    // SES authorizes a send against the identity that verifies the sender (the address itself or its domain) and
    // against the configuration set named in the request.
    const stack = Stack.of(this);
    this.sendResources = [
      ...[...new Set([address, senderDomain])].map((identity) =>
        stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }),
      ),
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: this.configurationSet.configurationSetName,
      }),
    ];

    this.eventsFunction = new AbdiFunction(this, 'SesEvents', {
      entry: 'functions/mail/on-ses-event.ts',
      description: 'Records SES bounces and complaints: suppresses recipients, marks outbox mail',
      stage: props.stage,
    });
    this.eventsFunction.bindTable(props.table, 'RW');
    this.events.addSubscription(new LambdaSubscription(this.eventsFunction.fn));
  }

  /**
   * Lets a function send mail: `ses:SendEmail` on the sender's identity and the configuration set only, and the
   * environment delivery reads (`MAIL_FROM`, `SES_CONFIGURATION_SET`, `PUBLIC_BASE_URL`). Bind the table too.
   */
  bindMail(fn: AbdiFunction): void {
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources: this.sendResources }));
    fn.fn.addEnvironment('MAIL_FROM', this.from);
    fn.fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    fn.fn.addEnvironment('PUBLIC_BASE_URL', this.publicBaseUrl);
  }
}
