import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { demoStaff, seedDemoData } from '#shared/directory/demo-seed';
import { createClock } from './clock.ts';
import { cognitoStandIn } from './cognito.ts';
import { type LocalCognitoIdp, startLocalCognitoIdp } from './cognito-idp.ts';
import { ensureTables, startDynamoDbLocal } from './dynamodb.ts';
import { startAwsFaultProxy } from './faults.ts';
import { createApiGateway } from './http-api.ts';
import { createLocalIssuer, type IssueOptions, type LocalIssuer, type StaffIdentity } from './issuer.ts';
import { LambdaRuntime } from './lambda/pool.ts';
import { outboxRequestHandler } from './outbox.ts';
import { type LocalSecretsManager, startLocalSecretsManager } from './secrets.ts';
import { type CapturedEmail, startSesLocal } from './ses.ts';
import { StepFunctionsEmulator } from './sfn/emulator.ts';
import { sfnRequestHandler } from './sfn/server.ts';
import { projectRoot, synthesize } from './synth.ts';
import { type LocalSystem, loadSystem } from './template.ts';
import type { Clock, FaultPlan, LogSink } from './types.ts';

export const LOCAL_REGION = 'ap-southeast-3';
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalCloudOptions {
  /** CDK app entry relative to the project root. @default infra/app.ts */
  app?: string;
  /** Stack to boot when the app has several. @default the only (or first) stack */
  stackName?: string;
  context?: Record<string, unknown>;
  /** Folder for persistent data (DynamoDB file, issuer key). @default none: in memory */
  dataDir?: string;
  /** Port of the HTTP server. @default 0 (a free port) */
  port?: number;
  /** Dummy access key the functions use. DynamoDB Local keeps one database per key: a key per test file isolates. */
  accessKeyId?: string;
  /** Where function output lines go. @default collected in `logs` only */
  logSink?: LogSink;
  maxWorkersPerFunction?: number;
  /** Seed the demo organisation and staff (idempotent). @default false */
  seed?: boolean;
}

/** One line a function printed. */
export interface CapturedLog {
  functionName: string;
  stream: 'stdout' | 'stderr';
  line: string;
  time: number;
}

export interface LocalCloud {
  /** Base URL of the HTTP API (and of the local pages: /_outbox, /_local/...). */
  url: string;
  system: LocalSystem;
  clock: Clock;
  /** Change while running; read at each request. */
  faults: FaultPlan;
  lambda: LambdaRuntime;
  sfn: StepFunctionsEmulator;
  /** Secrets Manager's stand-in: the template's secrets, their values and the GetSecretValue calls. */
  secrets: LocalSecretsManager;
  /** The Cognito admin API's stand-in: the template's user pools and their users (seeded staff included). */
  cognitoIdp: LocalCognitoIdp;
  /** Environment pointing an SDK client at this cloud (endpoints, dummy credentials, region). */
  env: Record<string, string>;
  /** Every line functions printed, in order. */
  logs: CapturedLog[];
  /** A DynamoDB client on the same isolated database the functions use. */
  dynamodb: DynamoDBClient;
  /** DynamoDB calls per operation seen at the endpoint. */
  dynamodbCalls(): Record<string, number>;
  resetDynamodbCalls(): void;
  outbox(): Promise<CapturedEmail[]>;
  /** A signed staff token for the template's user pool (access token by default). */
  token(identity: StaffIdentity, options?: IssueOptions): Promise<string>;
  issuer: LocalIssuer;
  /** What seeding did, when `seed` was asked for. */
  seeded?: { seeded: boolean; units: number; staff: number };
  stop(): Promise<void>;
}

const emptyFaults = (): FaultPlan => ({
  dynamodb: { transactionConflictRate: 0, throttleRate: 0 },
  ses: { failureRate: 0 },
  lambda: { throwOnce: new Set() },
  sfn: { unavailable: new Set() },
});

const listen = (server: Server, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

/**
 * Boots the whole backend locally from the synthesized CDK template: DynamoDB Local with the template's tables,
 * SES capture with an outbox page, the Step Functions emulation running the template's state machines, every
 * function's bundle in its own worker, and the HTTP API with its JWT authorizer. Used by `npm start` and by tests.
 */
export const startLocalCloud = async (options: LocalCloudOptions = {}): Promise<LocalCloud> => {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const assembly = await synthesize({ app: options.app, context: options.context });
    const stackName = options.stackName ?? assembly.stacks[0];
    if (!stackName) throw new Error('the CDK app synthesized no stack');
    // The HTTP server listens first: the template's API endpoint resolves to its URL (links in emails, callbacks).
    const server = createServer();
    const port = await listen(server, options.port ?? 0);
    stops.push(() => close(server));
    const url = `http://127.0.0.1:${port}`;
    const system = loadSystem({
      stackName,
      assemblyDir: assembly.dir,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      apiEndpoint: url,
    });

    const clock = createClock();
    const faults = emptyFaults();
    const logs: CapturedLog[] = [];
    const logSink: LogSink = {
      write(entry) {
        logs.push(entry);
        options.logSink?.write(entry);
      },
    };
    const accessKeyId = options.accessKeyId ?? 'local';

    const dynamo = await startDynamoDbLocal({
      dataDir: options.dataDir ? path.join(options.dataDir, 'dynamodb') : undefined,
    });
    stops.push(dynamo.stop);
    const dynamoProxy = await startAwsFaultProxy({ target: dynamo.endpoint, faults, service: 'dynamodb' });
    stops.push(dynamoProxy.stop);
    const ses = await startSesLocal();
    stops.push(ses.stop);
    const sesProxy = await startAwsFaultProxy({ target: ses.endpoint, faults, service: 'ses' });
    stops.push(sesProxy.stop);
    // Generated secret values live in the data folder: a restart keeps them, and the NIP hashes keyed by them.
    const secrets = await startLocalSecretsManager({
      secrets: system.secrets,
      file: options.dataDir ? path.join(options.dataDir, 'secrets.json') : undefined,
    });
    stops.push(secrets.stop);

    const credentials = { accessKeyId, secretAccessKey: 'local' };
    // Users of the template's pools; invitations go out through the local SES, as Cognito's go through SES.
    const cognitoIdp = await startLocalCognitoIdp({
      pools: system.userPools,
      ses: { endpoint: sesProxy.endpoint, region: LOCAL_REGION, credentials },
      now: () => clock.now(),
      file: options.dataDir ? path.join(options.dataDir, 'cognito-users.json') : undefined,
    });
    stops.push(cognitoIdp.stop);
    const dynamodb = new DynamoDBClient({ endpoint: dynamoProxy.endpoint, region: LOCAL_REGION, credentials });
    stops.push(async () => dynamodb.destroy());
    await ensureTables(dynamodb, system.tables);
    const domainTable = system.tables.find((t) => t.logicalId.startsWith('DataDomain'));
    const seeded =
      options.seed && domainTable
        ? await seedDemoData(DynamoDBDocumentClient.from(dynamodb), domainTable.tableName, new Date(clock.now()))
        : undefined;
    // The demo staff can sign in, so they are users of the pool too (disabling them or changing groups works).
    const staffPool = system.userPools[0];
    if (seeded && staffPool) for (const member of demoStaff) cognitoIdp.seedUser(staffPool.id, member);

    const sfnServer = createServer();
    const sfnPort = await listen(sfnServer, 0);
    stops.push(() => close(sfnServer));
    const sfnEndpoint = `http://127.0.0.1:${sfnPort}`;

    const env: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.endpoint,
      AWS_ENDPOINT_URL_SESV2: sesProxy.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnEndpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognitoIdp.endpoint,
    };
    const lambda = new LambdaRuntime({
      functions: system.functions,
      clock,
      faults,
      logs: logSink,
      runtimeEnv: env,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      maxWorkersPerFunction: options.maxWorkersPerFunction,
    });
    stops.push(() => lambda.stop());

    const sfn = new StepFunctionsEmulator({
      stateMachines: system.stateMachines,
      invoker: lambda,
      clock,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
    });
    stops.push(async () => sfn.stop());
    sfnServer.on('request', sfnRequestHandler(sfn, faults));

    const pool = system.userPools[0];
    const authorizer = system.routes.find((r) => r.authorizer)?.authorizer;
    const authorizerIssuer = authorizer?.issuer;
    const authorizerAudience = authorizer?.audience[0];
    const issuer = await createLocalIssuer({
      issuer: authorizerIssuer ?? `https://cognito-idp.${LOCAL_REGION}.amazonaws.com/${pool?.id ?? 'none'}`,
      // Dev tokens are for the client the API's authorizer accepts.
      clientId: authorizerAudience ?? pool?.clientIds[0] ?? 'local-client',
      now: () => clock.now(),
      keyFile: options.dataDir ? path.join(options.dataDir, 'issuer-key.json') : undefined,
    });

    const gateway = createApiGateway({
      routes: system.routes,
      cors: system.cors,
      invoker: lambda,
      clock,
      jwks: (iss) => (iss === issuer.issuer ? issuer.jwks : undefined),
      apiId: 'local',
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
    });
    const outbox = outboxRequestHandler(ses);
    const cognito = cognitoStandIn({
      issuer,
      localUrl: url,
      clients: pool?.clients ?? [],
      now: () => clock.now(),
      // Cognito refuses disabled users and puts the pool's groups in tokens.
      account: (sub) => {
        const user = cognitoIdp.user(sub);
        return user && { enabled: user.enabled, groups: user.groups };
      },
      listStaff: async () => {
        if (!domainTable) return [];
        const { Items = [] } = await DynamoDBDocumentClient.from(dynamodb).send(
          new ScanCommand({
            TableName: domainTable.tableName,
            FilterExpression: 'entity = :staff AND #status = :active',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':staff': 'staff', ':active': 'active' },
          }),
        );
        return Items.map((item) => ({
          sub: String(item.sub),
          name: String(item.name),
          email: String(item.email),
          groups: (item.groups as string[] | undefined) ?? [],
          officeCode: String(item.officeCode ?? ''),
        }));
      },
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      void (async () => {
        if (url.startsWith('/_outbox') && (await outbox(req, res))) return;
        if (url.startsWith('/_local/') && (await cognito(req, res))) return;
        await gateway(req, res);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
    });

    return {
      url,
      system,
      clock,
      faults,
      lambda,
      sfn,
      secrets,
      cognitoIdp,
      env,
      logs,
      dynamodb,
      dynamodbCalls: () => dynamoProxy.counts(),
      resetDynamodbCalls: () => dynamoProxy.resetCounts(),
      outbox: () => ses.messages(),
      token: (identity, issueOptions) => issuer.issue(identity, issueOptions),
      issuer,
      seeded,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

export { projectRoot };
