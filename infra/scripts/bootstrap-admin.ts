/**
 * `npm run admin:bootstrap -- --stage prod --email <email> --name "<name>" [--office BKPSDM]`
 *
 * Creates the first administrator of a fresh deployment: a Cognito user (Cognito emails a temporary password) in
 * the `admin` group, and the matching staff entry in the directory. Run with the deployment's AWS credentials.
 * Safe to re-run: an existing user or directory entry is kept.
 */
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createStaff } from '#shared/directory/staff';

const { values } = parseArgs({
  options: {
    stage: { type: 'string', default: 'dev' },
    region: { type: 'string', default: 'ap-southeast-3' },
    email: { type: 'string' },
    name: { type: 'string' },
    office: { type: 'string', default: 'BKPSDM' },
  },
});
if (!values.email || !values.name) {
  console.error(
    'usage: npm run admin:bootstrap -- --stage <stage> --email <email> --name "<full name>" [--office <code>]',
  );
  process.exit(2);
}
const email = values.email.trim().toLowerCase();
const region = values.region!;
const stackName = `abdi-${values.stage}`;

const outputs = async (): Promise<Record<string, string>> => {
  const { Stacks } = await new CloudFormationClient({ region }).send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.ExportName ?? o.OutputKey!, o.OutputValue!]));
};

const out = await outputs();
const find = (suffix: string) => {
  const entry = Object.entries(out).find(([key]) => key.includes(suffix));
  if (!entry) throw new Error(`stack ${stackName} has no output named like ${suffix}; deploy it first`);
  return entry[1];
};
const userPoolId = find('StaffUserPoolId');
const tableName = find('DomainTableName');

const cognito = new CognitoIdentityProviderClient({ region });
try {
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: userPoolId,
      Username: email,
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'name', Value: values.name },
      ],
    }),
  );
  console.log(`created ${email}; Cognito is emailing a temporary password`);
} catch (error) {
  if (!(error instanceof UsernameExistsException)) throw error;
  console.log(`${email} already exists in the user pool; keeping it`);
}
await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: 'admin' }));
const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
const sub = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
if (!sub) throw new Error('the user has no sub attribute');

const created = await createStaff(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
  tableName,
  { sub, name: values.name, email, officeCode: values.office!, groups: ['admin'] },
  new Date(),
);
console.log(
  created ? `directory entry created for ${values.name} (${values.office})` : 'directory entry already present',
);
console.log('Sign in at <publicBaseUrl>/auth/login with the emailed temporary password.');
