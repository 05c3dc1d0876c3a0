import { readFileSync } from 'node:fs';
import path from 'node:path';
import { secretArnSuffix } from './secrets.ts';
import type { FunctionSpec, SecretSpec, StateMachineSpec, TableSpec } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON, read defensively below.
type Cfn = any;

/** A CloudFormation template as `cdk synth` writes it. */
export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, Cfn>; Metadata?: Record<string, Cfn> }>;
  Parameters?: Record<string, { Default?: unknown }>;
}

/** An HTTP API route from the template. */
export interface RouteSpec {
  routeKey: string;
  method: string;
  path: string;
  /** Function that serves it (its name). */
  functionName: string;
  payloadFormatVersion: string;
  authorizer?: JwtAuthorizerSpec;
}

export interface JwtAuthorizerSpec {
  name: string;
  issuer: string;
  audience: string[];
  identitySource: string[];
}

export interface CorsSpec {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials?: boolean;
}

/** Everything the local runtime boots from. */
export interface LocalSystem {
  stackName: string;
  functions: FunctionSpec[];
  tables: TableSpec[];
  stateMachines: StateMachineSpec[];
  routes: RouteSpec[];
  cors?: CorsSpec;
  userPools: UserPoolSpec[];
  secrets: SecretSpec[];
}

/** A Cognito user pool of the template: what the local stand-ins of its login and admin API need. */
export interface UserPoolSpec {
  logicalId: string;
  id: string;
  clientIds: string[];
  /** Each app client's registered callback and logout URLs (Cognito accepts only these, exactly). */
  clients: { id: string; callbackUrls: string[]; logoutUrls: string[] }[];
  /** Names of its groups (`AWS::Cognito::UserPoolGroup`). */
  groups: string[];
  /** `email` when users sign in by email (the username is then generated). */
  usernameAttributes: string[];
  /** Whether usernames and email sign-in names match case-sensitively (Cognito's default when unset). */
  caseSensitive: boolean;
  /** How the pool sends email: its own sender (`COGNITO_DEFAULT`) or SES (`DEVELOPER`, from `from`). */
  email: { sendingAccount: string; from?: string; configurationSet?: string };
  /** The invitation template, when the pool has one (Cognito's default otherwise). */
  invitation?: { emailSubject?: string; emailMessage?: string };
  minimumPasswordLength: number;
}

export interface ResolveOptions {
  stackName: string;
  /** Absolute path of the cloud assembly (for asset paths). */
  assemblyDir: string;
  region: string;
  accountId: string;
  /** The local HTTP server's URL: what the HTTP API's endpoint resolves to locally. */
  apiEndpoint?: string;
}

const LOCAL_ACCOUNT = '000000000000';

/**
 * Endpoints of AWS services that code reaches by URL rather than through an SDK client (so AWS_ENDPOINT_URL_* cannot
 * redirect them): the Cognito managed-login domain (authorize, token, logout) and a user pool's JWKS. In function
 * environments they are pointed at the local runtime's stand-ins, as the SDK endpoints are. The issuer string itself
 * (`https://cognito-idp.<region>.amazonaws.com/<pool>`) is left alone: tokens must carry it unchanged.
 */
export const localizeEndpoint = (value: string, localUrl: string): string =>
  value
    .replace(/^https:\/\/[a-z0-9-]+\.auth\.[a-z0-9-]+\.amazoncognito\.com(?=\/|$)/, `${localUrl}/_local/cognito-login`)
    .replace(
      /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/([\w-]+)\/\.well-known\/jwks\.json$/,
      `${localUrl}/_local/cognito-idp/$1/.well-known/jwks.json`,
    );

/**
 * Turns a synthesized template into the specs the emulators run, resolving every intrinsic to a local value:
 * `Ref` and `Fn::GetAtt` of a table give its local name and ARN, of a function its name and ARN, of a state
 * machine its ARN, of a user pool a stable local id; `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split` are computed.
 */
export const systemFromTemplate = (template: Template, options: ResolveOptions): LocalSystem => {
  const { stackName, region } = options;
  const accountId = options.accountId || LOCAL_ACCOUNT;
  const resources = template.Resources;
  const physicalName = (logicalId: string, explicit: unknown): string =>
    typeof explicit === 'string' ? explicit : `${stackName}-${logicalId}`;

  // Physical identity of each resource the runtime knows how to stand in for.
  const refOf = (logicalId: string): string => {
    if (logicalId === 'AWS::Region') return region;
    if (logicalId === 'AWS::AccountId') return accountId;
    if (logicalId === 'AWS::Partition') return 'aws';
    if (logicalId === 'AWS::URLSuffix') return 'amazonaws.com';
    if (logicalId === 'AWS::StackName') return stackName;
    if (logicalId === 'AWS::StackId') return `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`;
    const parameter = template.Parameters?.[logicalId];
    if (parameter) return String(parameter.Default ?? '');
    const resource = resources[logicalId];
    if (!resource) throw new Error(`template refers to unknown resource ${logicalId}`);
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return physicalName(logicalId, props.TableName);
      case 'AWS::Lambda::Function':
        return physicalName(logicalId, props.FunctionName);
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${accountId}:stateMachine:${physicalName(logicalId, props.StateMachineName)}`;
      case 'AWS::Cognito::UserPool':
        return `${region}_${logicalId.replace(/[^A-Za-z0-9]/g, '').slice(0, 9)}`;
      case 'AWS::Cognito::UserPoolDomain':
        return String(resolve(props.Domain ?? logicalId.toLowerCase()));
      case 'AWS::Cognito::UserPoolClient':
        return `local${logicalId.replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`.slice(0, 26);
      case 'AWS::SecretsManager::Secret': {
        const name = physicalName(logicalId, props.Name);
        return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${secretArnSuffix(name)}`;
      }
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${accountId}:${physicalName(logicalId, props.TopicName)}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${accountId}/${physicalName(logicalId, props.QueueName)}`;
      default:
        return physicalName(logicalId, undefined);
    }
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const resource = resources[logicalId];
    if (!resource) throw new Error(`template refers to unknown resource ${logicalId}`);
    const name = refOf(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::DynamoDB::Table.Arn':
      case 'AWS::DynamoDB::GlobalTable.Arn':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${name}`;
      case 'AWS::DynamoDB::Table.StreamArn':
      case 'AWS::DynamoDB::GlobalTable.StreamArn':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${name}/stream/local`;
      case 'AWS::Lambda::Function.Arn':
        return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine.Arn':
        return name;
      case 'AWS::StepFunctions::StateMachine.Name':
        return name.split(':').at(-1)!;
      case 'AWS::Cognito::UserPool.Arn':
        return `arn:aws:cognito-idp:${region}:${accountId}:userpool/${name}`;
      case 'AWS::Cognito::UserPool.ProviderName':
      case 'AWS::Cognito::UserPool.ProviderURL':
        return `cognito-idp.${region}.amazonaws.com/${name}`;
      case 'AWS::SNS::Topic.TopicArn':
        return name;
      case 'AWS::Logs::LogGroup.Arn':
        return `arn:aws:logs:${region}:${accountId}:log-group:${name}:*`;
      case 'AWS::IAM::Role.Arn':
        return `arn:aws:iam::${accountId}:role/${name}`;
      case 'AWS::ApiGatewayV2::Api.ApiEndpoint':
        return options.apiEndpoint ?? `https://${name}.execute-api.${region}.amazonaws.com`;
      default:
        return `arn:aws:local:${region}:${accountId}:${logicalId}/${attribute}`;
    }
  };

  const resolve = (value: unknown): Cfn => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      switch (key) {
        case 'Ref':
          return refOf(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
          return getAtt(String(id), String(attribute));
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (resolve(list) as unknown[])[Number(resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(resolve(source)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
          const resolvedVariables = resolve(variables) as Record<string, unknown>;
          return text.replace(/\$\{([^}!][^}]*)\}/g, (_, name: string) => {
            if (name in resolvedVariables) return String(resolvedVariables[name]);
            const [id, attribute] = name.split('.');
            return attribute ? getAtt(id!, attribute) : refOf(id!);
          });
        }
        case 'Fn::ImportValue':
          throw new Error('Fn::ImportValue is not supported by the local runtime');
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };

  const byType = (type: string) =>
    Object.entries(resources).filter(([, resource]) => resource.Type === type) as [
      string,
      { Type: string; Properties: Record<string, Cfn>; Metadata?: Record<string, Cfn> },
    ][];

  const functions: FunctionSpec[] = byType('AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = resource.Properties;
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (typeof assetPath !== 'string') {
      throw new Error(`function ${logicalId} has no bundled asset; synthesize with bundling`);
    }
    const functionName = refOf(logicalId);
    return {
      logicalId,
      functionName,
      arn: getAtt(logicalId, 'Arn'),
      assetDir: path.resolve(options.assemblyDir, assetPath),
      handler: String(props.Handler ?? 'index.handler'),
      runtime: String(props.Runtime ?? 'nodejs24.x'),
      architecture: String(props.Architectures?.[0] ?? 'x86_64'),
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: Object.fromEntries(
        Object.entries((resolve(props.Environment?.Variables ?? {}) as Record<string, unknown>) ?? {}).map(([k, v]) => [
          k,
          options.apiEndpoint ? localizeEndpoint(String(v), options.apiEndpoint) : String(v),
        ]),
      ),
    };
  });
  const functionByArn = new Map(functions.map((fn) => [fn.arn, fn]));

  const tables: TableSpec[] = [...byType('AWS::DynamoDB::Table'), ...byType('AWS::DynamoDB::GlobalTable')].map(
    ([logicalId, resource]) => {
      const props = resource.Properties;
      const ttl = props.TimeToLiveSpecification;
      return {
        logicalId,
        tableName: refOf(logicalId),
        keySchema: props.KeySchema,
        attributeDefinitions: props.AttributeDefinitions,
        globalSecondaryIndexes: (props.GlobalSecondaryIndexes ?? []).map((index: Cfn) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection ?? { ProjectionType: 'ALL' },
        })),
        localSecondaryIndexes: (props.LocalSecondaryIndexes ?? []).map((index: Cfn) => ({
          IndexName: index.IndexName,
          KeySchema: index.KeySchema,
          Projection: index.Projection ?? { ProjectionType: 'ALL' },
        })),
        ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined,
        streamViewType: props.StreamSpecification?.StreamViewType,
      };
    },
  );

  const stateMachines: StateMachineSpec[] = byType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const props = resource.Properties;
    let definitionText: string;
    if (props.DefinitionString !== undefined) definitionText = String(resolve(props.DefinitionString));
    else if (props.Definition !== undefined) definitionText = JSON.stringify(resolve(props.Definition));
    else throw new Error(`state machine ${logicalId} has no inline definition`);
    const substitutions = (resolve(props.DefinitionSubstitutions ?? {}) ?? {}) as Record<string, unknown>;
    definitionText = definitionText.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
      name in substitutions ? String(substitutions[name]) : whole,
    );
    const arn = refOf(logicalId);
    return {
      logicalId,
      name: arn.split(':').at(-1)!,
      arn,
      type: props.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      definition: JSON.parse(definitionText),
    };
  });

  const authorizers = new Map<string, JwtAuthorizerSpec>(
    byType('AWS::ApiGatewayV2::Authorizer')
      .filter(([, resource]) => resource.Properties.AuthorizerType === 'JWT')
      .map(([logicalId, resource]) => {
        const props = resource.Properties;
        const jwt = resolve(props.JwtConfiguration) as { Issuer: string; Audience?: string[] };
        return [
          logicalId,
          {
            name: String(props.Name ?? logicalId),
            issuer: jwt.Issuer,
            audience: jwt.Audience ?? [],
            identitySource: resolve(props.IdentitySource ?? ['$request.header.Authorization']),
          },
        ];
      }),
  );

  const integrations = new Map(
    byType('AWS::ApiGatewayV2::Integration').map(([logicalId, resource]) => [logicalId, resource.Properties]),
  );
  const routes: RouteSpec[] = byType('AWS::ApiGatewayV2::Route').map(([logicalId, resource]) => {
    const props = resource.Properties;
    const routeKey = String(props.RouteKey);
    const target = String(resolve(props.Target));
    const integrationId = target.replace(/^integrations\//, '');
    // Target resolves through Ref to "<stack>-<logicalId>"; find the integration by that name.
    const integrationEntry = [...integrations.entries()].find(([id]) => refOf(id) === integrationId);
    if (!integrationEntry) throw new Error(`route ${logicalId} (${routeKey}) has no integration`);
    const integration = integrationEntry[1];
    const uri = String(resolve(integration.IntegrationUri));
    const fn = functionByArn.get(uri) ?? functions.find((f) => uri.includes(`:function:${f.functionName}`));
    if (!fn) throw new Error(`route ${routeKey} targets ${uri}, which is not a function of this template`);
    const [method, routePath] = routeKey === '$default' ? ['ANY', '$default'] : routeKey.split(' ');
    const authorizerId =
      props.AuthorizationType === 'JWT' && props.AuthorizerId ? String(props.AuthorizerId.Ref ?? '') : undefined;
    const authorizer = authorizerId ? authorizers.get(authorizerId) : undefined;
    if (props.AuthorizationType === 'JWT' && !authorizer) throw new Error(`route ${routeKey} has no JWT authorizer`);
    return {
      routeKey,
      method: method!,
      path: routePath!,
      functionName: fn.functionName,
      payloadFormatVersion: String(integration.PayloadFormatVersion ?? '2.0'),
      authorizer,
    };
  });

  const api = byType('AWS::ApiGatewayV2::Api')[0]?.[1].Properties;
  const corsConfig = api?.CorsConfiguration;
  const cors: CorsSpec | undefined = corsConfig
    ? {
        allowOrigins: corsConfig.AllowOrigins ?? [],
        allowMethods: corsConfig.AllowMethods ?? [],
        allowHeaders: corsConfig.AllowHeaders ?? [],
        exposeHeaders: corsConfig.ExposeHeaders ?? [],
        maxAge: corsConfig.MaxAge,
        allowCredentials: corsConfig.AllowCredentials,
      }
    : undefined;

  const userPools: UserPoolSpec[] = byType('AWS::Cognito::UserPool').map(([logicalId, resource]) => {
    const props = resolve(resource.Properties ?? {});
    const invite = props.AdminCreateUserConfig?.InviteMessageTemplate;
    return {
      logicalId,
      id: refOf(logicalId),
      clientIds: byType('AWS::Cognito::UserPoolClient')
        .filter(([, client]) => client.Properties.UserPoolId?.Ref === logicalId)
        .map(([clientId]) => refOf(clientId)),
      clients: byType('AWS::Cognito::UserPoolClient')
        .filter(([, client]) => client.Properties.UserPoolId?.Ref === logicalId)
        .map(([clientId, client]) => ({
          id: refOf(clientId),
          callbackUrls: (resolve(client.Properties.CallbackURLs ?? []) as unknown[]).map(String),
          logoutUrls: (resolve(client.Properties.LogoutURLs ?? []) as unknown[]).map(String),
        })),
      groups: byType('AWS::Cognito::UserPoolGroup')
        .filter(([, group]) => group.Properties.UserPoolId?.Ref === logicalId)
        .map(([groupId, group]) => String(group.Properties.GroupName ?? refOf(groupId))),
      usernameAttributes: props.UsernameAttributes ?? [],
      caseSensitive: props.UsernameConfiguration?.CaseSensitive !== false,
      email: {
        sendingAccount: props.EmailConfiguration?.EmailSendingAccount ?? 'COGNITO_DEFAULT',
        from: props.EmailConfiguration?.From,
        configurationSet: props.EmailConfiguration?.ConfigurationSet,
      },
      invitation: invite && { emailSubject: invite.EmailSubject, emailMessage: invite.EmailMessage },
      minimumPasswordLength: Number(props.Policies?.PasswordPolicy?.MinimumLength ?? 8),
    };
  });

  const secrets: SecretSpec[] = byType('AWS::SecretsManager::Secret').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    return {
      logicalId,
      name: physicalName(logicalId, props.Name),
      arn: refOf(logicalId),
      secretString: typeof props.SecretString === 'string' ? props.SecretString : undefined,
      generate: props.GenerateSecretString,
    };
  });

  return { stackName, functions, tables, stateMachines, routes, cors, userPools, secrets };
};

/** Reads `<assemblyDir>/<stackName>.template.json` and resolves it. */
export const loadSystem = (options: ResolveOptions): LocalSystem => {
  const file = path.join(options.assemblyDir, `${options.stackName}.template.json`);
  const template = JSON.parse(readFileSync(file, 'utf8')) as Template;
  return systemFromTemplate(template, options);
};
