/**
 * Contracts between the parts of the local runtime. The runtime boots from the synthesized CloudFormation
 * template: `template.ts` turns the template into these specs, and each emulator (Lambda workers, HTTP API,
 * DynamoDB Local, Step Functions, SES) consumes only these types.
 */

/** A Lambda function as the template describes it, with every intrinsic already resolved to a local value. */
export interface FunctionSpec {
  logicalId: string;
  /** Physical name (the template's FunctionName, else a name derived from the stack and logical id). */
  functionName: string;
  arn: string;
  /** Absolute path of the bundled asset directory in the cloud assembly (holds index.mjs). */
  assetDir: string;
  /** `Handler` from the template, e.g. `index.handler`. */
  handler: string;
  runtime: string;
  architecture: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
}

/** Outcome of one Lambda invocation, shaped like the Invoke API's answer. */
export type InvokeResult =
  | { ok: true; payload: unknown; durationMs: number; requestId: string }
  | {
      ok: false;
      /** As Lambda reports it: the thrown error's name, `Sandbox.Timedout`, `Runtime.ExitError`, ... */
      errorType: string;
      errorMessage: string;
      trace: string[];
      durationMs: number;
      requestId: string;
    };

export interface Invoker {
  /** Invoke a function by name or ARN and wait for its answer (RequestResponse). */
  invoke(functionNameOrArn: string, event: unknown): Promise<InvokeResult>;
}

/** The virtual clock of the runtime: real time plus an offset that tests move. */
export interface Clock {
  now(): number;
  /** Offset in ms added to real time. */
  offset(): number;
  /** Move the clock so that now() is `epochMs` (time keeps running from there). */
  set(epochMs: number): void;
  advance(ms: number): void;
  /** Resolves once now() >= epochMs; re-evaluated whenever the clock is moved. Rejects with the signal's reason. */
  sleepUntil(epochMs: number, signal?: AbortSignal): Promise<void>;
  /** Called after every set/advance. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** A DynamoDB table from the template (AWS::DynamoDB::Table or GlobalTable). */
export interface TableSpec {
  logicalId: string;
  tableName: string;
  keySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  attributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  globalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }[];
  localSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }[];
  ttlAttribute?: string;
  streamViewType?: string;
}

/** A state machine from the template, its definition with every placeholder resolved to local ARNs. */
export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: Record<string, unknown>;
}

/** Faults the runtime injects at its local AWS endpoints, changeable while running. */
export interface FaultPlan {
  dynamodb: {
    /** Share (0..1) of TransactWriteItems answered TransactionCanceledException with a TransactionConflict reason. */
    transactionConflictRate: number;
    /** Share (0..1) of all DynamoDB requests answered with a throttling error. */
    throttleRate: number;
    /**
     * When not empty, `throttleRate` applies to these operations only (`TransactWriteItems`, `UpdateItem`, ...): a
     * partition that refuses one kind of call, such as the writes of a hot item, while the reads before it succeed.
     */
    throttleOperations?: Set<string>;
  };
  ses: {
    /** Share (0..1) of SendEmail calls that fail (retryable 5xx as SES would). */
    failureRate: number;
  };
  lambda: {
    /** Function names (or logical ids) whose next invocation throws once, before running the handler. */
    throwOnce: Set<string>;
  };
  sfn: {
    /**
     * Step Functions operations (`SendTaskSuccess`, `StartExecution`, ...) answered 503 ServiceUnavailable until
     * removed: a caller that committed to the database and then cannot signal, as in an outage or a crash.
     */
    unavailable: Set<string>;
  };
}

/** Where the runtime sends the output lines of functions (stdout/stderr of each worker). */
export interface LogSink {
  write(entry: { functionName: string; stream: 'stdout' | 'stderr'; line: string; time: number }): void;
}

/** A Secrets Manager secret from the template (AWS::SecretsManager::Secret). */
export interface SecretSpec {
  logicalId: string;
  /** The template's Name, else a name derived from the stack and logical id. */
  name: string;
  /** What `Ref` gives: the ARN, with a stable local suffix in place of AWS's six random characters. */
  arn: string;
  /** A literal SecretString from the template, if it has one (CDK's `secretStringValue`). */
  secretString?: string;
  /** GenerateSecretString from the template: the local runtime draws a value the same way. */
  generate?: {
    PasswordLength?: number;
    ExcludeCharacters?: string;
    ExcludeLowercase?: boolean;
    ExcludeUppercase?: boolean;
    ExcludeNumbers?: boolean;
    ExcludePunctuation?: boolean;
    IncludeSpace?: boolean;
    RequireEachIncludedType?: boolean;
    SecretStringTemplate?: string;
    GenerateStringKey?: string;
  };
}
