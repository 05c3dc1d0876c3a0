import { App } from 'aws-cdk-lib';
import { retentionOf } from '#shared/retention/settings';
import { AbdiStack } from './stack.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage))
  throw new Error(`context stage must be a short lower-case name, got "${stage}"`);
const optional = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

new AbdiStack(app, `abdi-${stage}`, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: optional('region') ?? 'ap-southeast-3' },
  alarmEmail: optional('alarmEmail'),
  existingTableName: optional('existingTableName'),
  // One form for the base URL: callbacks are registered and compared exactly.
  publicBaseUrl: optional('publicBaseUrl')?.replace(/\/+$/, ''),
  loginDomainPrefix: optional('loginDomainPrefix'),
  customDomain: (() => {
    const domainName = optional('domainName');
    const certificateArn = optional('certificateArn');
    if (!domainName && !certificateArn) return undefined;
    if (!domainName || !certificateArn) throw new Error('context domainName and certificateArn go together');
    return { domainName, certificateArn };
  })(),
  mailDomain: optional('mailDomain'),
  mailFrom: optional('mailFrom'),
  sesVerified: [true, 'true'].includes(app.node.tryGetContext('sesVerified')),
  // Per stage, in cdk.json: a retention policy is reviewed with the code, not typed on a command line.
  retention: retentionOf(app.node.tryGetContext('retention'), stage),
  description: `abdi (${stage}): forms, approvals, training registrations and service surveys`,
});
