import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mail, type MailProps } from '#infra/constructs/mail';
import { Monitoring } from '#infra/constructs/monitoring';
import { Operations } from '#infra/constructs/operations';

// The mail and operations constructs in a stack of their own (two small bundles): fast, and independent of the rest
// of the app. That the app's stack contains them is shown by the integration tests, which run them from its template.
const outdirs: string[] = [];
const templateOf = (mail: Partial<MailProps>): Template => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'abdi-mail-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'MailTest', { env: { region: 'ap-southeast-3' } });
  const table = new Table(stack, 'Domain', { partitionKey: { name: 'PK', type: AttributeType.STRING } });
  const monitoring = new Monitoring(stack, 'Monitoring', {});
  const mailConstruct = new Mail(stack, 'Mail', {
    stage: 'prod',
    table,
    publicBaseUrl: 'https://layanan.palembang.go.id',
    ...mail,
  });
  monitoring.watchMail();
  new Operations(stack, 'Operations', { stage: 'prod', table, mail: mailConstruct, monitoring });
  return Template.fromStack(stack);
};

let prod: Template;
let dev: Template;

beforeAll(() => {
  prod = templateOf({ mailDomain: 'palembang.go.id', mailFrom: 'Pemkot Palembang <abdi@palembang.go.id>' });
  dev = templateOf({});
});

afterAll(() => {
  for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
});

const functionNamed = (template: Template, prefix: string) => {
  const [id, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
    id.startsWith(prefix),
  )!;
  return { id, fn };
};

describe('mail', () => {
  it('publishes bounces and complaints of the configuration set to a topic the events function subscribes to', () => {
    prod.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    prod.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.stringLikeRegexp('^MailEvents') } },
      },
    });
    const { id } = functionNamed(prod, 'MailSesEventsFn');
    prod.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^MailEvents') },
      Endpoint: { 'Fn::GetAtt': [id, 'Arn'] },
    });
  });

  it('creates the domain identity from context, with the configuration set as its default', () => {
    prod.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'palembang.go.id',
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') } },
      MailFromAttributes: { MailFromDomain: 'bounce.palembang.go.id' },
    });
    dev.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('lets the reconciler send only as the sender identity through the configuration set', () => {
    const { fn } = functionNamed(prod, 'OperationsReconcilerFn');
    expect(fn.Properties.Environment.Variables).toMatchObject({
      MAIL_FROM: 'Pemkot Palembang <abdi@palembang.go.id>',
      SES_CONFIGURATION_SET: { Ref: expect.stringMatching(/^MailConfigurationSet/) },
      PUBLIC_BASE_URL: expect.anything(),
      TABLE_NAME: expect.anything(),
    });
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    const policies = Object.values(prod.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role),
    );
    const sesStatements = policies
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('ses:')));
    expect(sesStatements).toHaveLength(1);
    expect(sesStatements[0].Action).toBe('ses:SendEmail');
    const resources = JSON.stringify(sesStatements[0].Resource);
    expect(resources).toContain(':identity/abdi@palembang.go.id');
    expect(resources).toContain(':identity/palembang.go.id');
    expect(resources).toContain(':configuration-set/');
    expect(resources).not.toContain('*');
  });

  it('alarms on failed, bounced and complained-about mail', () => {
    for (const metric of ['MailFailed', 'MailBounced', 'MailComplained']) {
      prod.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'abdi',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'abdi' }],
        Threshold: 1,
      });
    }
  });
});

describe('reconciler', () => {
  it('runs every 5 minutes, within a timeout shorter than the schedule', () => {
    const { id, fn } = functionNamed(prod, 'OperationsReconcilerFn');
    prod.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] } })],
    });
    expect(fn.Properties.Timeout).toBeLessThan(300);
  });

  it('alarms on failed repairs and on repairs that keep coming', () => {
    prod.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'abdi',
      MetricName: 'ReconcilerFailed',
      Dimensions: [{ Name: 'service', Value: 'abdi' }],
      Threshold: 1,
    });
    prod.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'abdi', MetricName: 'ReconcilerRepaired' });
  });
});
