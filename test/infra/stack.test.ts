import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '#infra/local/synth';

const templateOf = async (stage: string): Promise<Template> => {
  const assembly = await synthesize({ context: { stage } });
  const file = path.join(assembly.dir, `abdi-${stage}.template.json`);
  return Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
};

let prod: Template;
let dev: Template;

beforeAll(async () => {
  [prod, dev] = await Promise.all([templateOf('prod'), templateOf('dev')]);
});

describe('functions', () => {
  it('run on nodejs24.x, arm64, with JSON logs in an explicit log group', () => {
    const functions = prod.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThan(0);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.LoggingConfig.LogFormat).toBe('JSON');
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
  });

  it('keep logs a year in prod, retained on stack deletion, and a month in dev', () => {
    prod.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    for (const group of Object.values(prod.findResources('AWS::Logs::LogGroup'))) {
      expect(group.DeletionPolicy).toBe('Retain');
    }
    dev.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('domain table', () => {
  it('has point-in-time recovery, deletion protection and RETAIN in prod', () => {
    const tables = prod.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('is deletable in dev', () => {
    for (const table of Object.values(dev.findResources('AWS::DynamoDB::Table'))) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });

  it('creates the four generic GSIs up front, with TTL on `ttl`', () => {
    prod.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: ['GSI1', 'GSI2', 'GSI3', 'GSI4'].map((name) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: `${name}PK`, KeyType: 'HASH' },
          { AttributeName: `${name}SK`, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });
});

describe('HTTP API', () => {
  it('has a JWT authorizer on the staff user pool, with its app client as audience', () => {
    prod.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: {
          'Fn::Join': [
            '',
            ['https://cognito-idp.ap-southeast-3.amazonaws.com/', { Ref: Match.stringLikeRegexp('^AuthStaff') }],
          ],
        },
        Audience: [{ Ref: Match.stringLikeRegexp('^AuthStaffApiClient') }],
      },
    });
  });

  it('protects /me with the authorizer and leaves /health public', () => {
    prod.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /me', AuthorizationType: 'JWT' });
    prod.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /health', AuthorizationType: 'NONE' });
  });

  it('logs the route key, never the path (paths carry link tokens)', () => {
    const stage = Object.values(prod.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    const format = String(stage.Properties.AccessLogSettings.Format);
    expect(format).toContain('$context.routeKey');
    expect(format).not.toMatch(/\$context\.(path|resourcePath)|\$request/);
  });

  it('has the groups admin, operator and unit-head in the user pool', () => {
    const groups = Object.values(prod.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['admin', 'operator', 'unit-head']);
  });
});
