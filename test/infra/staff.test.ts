import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { StaffAuth } from '#infra/constructs/auth';
import { synthesize } from '#infra/local/synth';
import { endpoints } from '#shared/http/catalogue';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, read in assertions.
type Resources = Record<string, { Type: string; Properties: any }>;

const resourcesOf = async (context: Record<string, unknown>): Promise<Resources> => {
  const assembly = await synthesize({ context });
  const file = path.join(assembly.dir, `${assembly.stacks[0]}.template.json`);
  return JSON.parse(readFileSync(file, 'utf8')).Resources;
};

const userPool = (resources: Resources) =>
  Object.values(resources).find((r) => r.Type === 'AWS::Cognito::UserPool')!.Properties;

/** Every IAM action granted to the role of the function whose logical id starts with `prefix`. */
const actionsOf = (resources: Resources, prefix: string) => {
  const [, fn] = Object.entries(resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(`${prefix}Fn`),
  )!;
  const role = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: { Ref: string }) => ref.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .map((statement: { Action: string | string[]; Resource: unknown }) => ({
      actions: [statement.Action].flat(),
      resource: statement.Resource,
      environment: fn.Properties.Environment.Variables,
    }));
};

/** The staff auth construct alone in a stack (no bundling: fast), sending through SES. */
const authWithSes = (): Resources => {
  const stack = new Stack(new App(), 'AuthTest', { env: { region: 'ap-southeast-3' } });
  const auth = new StaffAuth(stack, 'Auth', {
    stage: 'prod',
    sesSender: { from: 'BKPSDM Kota Palembang <abdi@palembang.go.id>', verifiedDomain: 'palembang.go.id' },
  });
  auth.addWebClient('https://layanan.palembang.go.id', 'abdi-test');
  return Template.fromStack(stack).toJSON().Resources;
};

let plain: Resources;
let viaSes: Resources;

beforeAll(async () => {
  // The app's dev template, as the integration tests synthesize it (the assembly is shared).
  plain = await resourcesOf({});
  viaSes = authWithSes();
});

describe('staff user pool email', () => {
  it("uses Cognito's own sender and default invitation until the SES identity is declared verified", () => {
    const pool = userPool(plain);
    expect(pool.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT').toBe('COGNITO_DEFAULT');
    expect(pool.AdminCreateUserConfig.InviteMessageTemplate).toBeUndefined();
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });

  it('sends through SES from the verified domain, with an invitation linking to the sign-in page', () => {
    const pool = userPool(viaSes);
    expect(pool.EmailConfiguration).toMatchObject({
      EmailSendingAccount: 'DEVELOPER',
      From: 'BKPSDM Kota Palembang <abdi@palembang.go.id>',
    });
    expect(JSON.stringify(pool.EmailConfiguration.SourceArn)).toContain(':identity/palembang.go.id');
    const invite = pool.AdminCreateUserConfig.InviteMessageTemplate;
    expect(invite.EmailSubject).toBe('Undangan akun staf abdi');
    for (const part of ['{####}', '{username}', 'href="https://layanan.palembang.go.id/auth/login"']) {
      expect(invite.EmailMessage).toContain(part);
    }
    expect(pool.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
  });
});

describe('staff administration functions', () => {
  it('may call exactly their Cognito admin operations, on the staff pool only, and know its id', () => {
    const poolId = Object.entries(plain).find(([, r]) => r.Type === 'AWS::Cognito::UserPool')![0];
    for (const endpoint of endpoints) {
      const statements = actionsOf(plain, endpoint.id);
      const cognito = statements.filter((s) => s.actions.some((a) => a.startsWith('cognito-idp:')));
      const granted = cognito.flatMap((s) => s.actions).sort();
      expect(granted, endpoint.id).toEqual((endpoint.cognitoAdmin ?? []).map((a) => `cognito-idp:${a}`).sort());
      for (const statement of cognito) expect(statement.resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
      const environment = statements[0]?.environment ?? {};
      if (endpoint.cognitoAdmin) expect(environment.STAFF_USER_POOL_ID).toEqual({ Ref: poolId });
    }
    // The staff API, and the console's admin pages (invitations, disabling) that call the same shared/staff code.
    expect(endpoints.filter((e) => e.cognitoAdmin).map((e) => e.id)).toEqual(['StaffApi', 'ConsoleAdminApi']);
  });

  it('lets the functions that send mail (and only those) send through the sender identity and configuration set', () => {
    const send = actionsOf(plain, 'MailApi').find((s) => s.actions.includes('ses:SendEmail'));
    expect(send).toBeDefined();
    expect(send?.environment.MAIL_FROM).toBe('noreply@abdi.invalid');
    expect(send?.environment.SES_CONFIGURATION_SET).toBeDefined();
    for (const endpoint of endpoints.filter((e) => !e.mail)) {
      expect(
        actionsOf(plain, endpoint.id).some((s) => s.actions.includes('ses:SendEmail')),
        endpoint.id,
      ).toBe(false);
    }
  });
});
