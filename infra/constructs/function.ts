import { AssetHashType, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Code, Function as LambdaFunction, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { functionBundling, projectRoot } from './bundle.ts';

export interface AbdiFunctionProps {
  /** Entry file, relative to the project root (e.g. `functions/platform/get-health.ts`). */
  entry: string;
  description: string;
  /** Deployment stage; prod keeps logs longer and retains them. */
  stage: string;
  /** @default 10 seconds */
  timeout?: Duration;
  /** @default 512 MB (arm64 cold starts improve up to about 1 GB; 512 is the cost/latency middle) */
  memorySize?: number;
  environment?: Record<string, string>;
  /** A stable physical name, for functions that running executions refer to. @default generated */
  functionName?: string;
}

/**
 * A resolved CloudFormation value in cdk-nag's notation for findings: `Ref` as `<Id>`, `Fn::GetAtt` as `<Id.Attr>`,
 * `Fn::Join` joined. Acknowledgments name the exact finding (`AwsSolutions-IAM5[Resource::<Table.Arn>/index/*]`).
 */
export const nagNotation = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value ?? '');
  const cfn = value as Record<string, unknown>;
  if (typeof cfn.Ref === 'string') return `<${cfn.Ref}>`;
  if (Array.isArray(cfn['Fn::GetAtt'])) return `<${cfn['Fn::GetAtt'].join('.')}>`;
  if (Array.isArray(cfn['Fn::Join'])) {
    const [separator, parts] = cfn['Fn::Join'] as [string, unknown[]];
    return parts.map(nagNotation).join(separator);
  }
  return JSON.stringify(value);
};

/**
 * A Lambda function with the house defaults: nodejs24.x on arm64, bundled the house way (`./bundle.ts`: ESM, split at
 * dynamic imports, minified, source maps read only when an error is logged), an explicit log group with retention,
 * Powertools settings. Every function gets its defaults from here.
 */
export class AbdiFunction extends Construct {
  readonly fn: LambdaFunction;

  constructor(scope: Construct, id: string, props: AbdiFunctionProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    const logGroup = new LogGroup(this, 'Logs', {
      retention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.fn = new LambdaFunction(this, 'Fn', {
      // The asset is the bundle's directory (index.mjs and its chunks), hashed by content.
      code: Code.fromAsset(projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: functionBundling(props.entry),
      }),
      handler: 'index.handler',
      description: props.description,
      functionName: props.functionName,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: 'abdi',
        POWERTOOLS_METRICS_NAMESPACE: 'abdi',
        POWERTOOLS_LOG_LEVEL: prod ? 'INFO' : 'DEBUG',
        ...props.environment,
      },
    });
    Validations.of(this.fn.role!).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'The basic execution role only lets the function write its own logs (CreateLogStream, PutLogEvents), which ' +
        'every function needs; a hand-written copy would add nothing but drift from what AWS maintains.',
    });
  }

  /** Grant exactly the access mode on the table and expose its name in `envName`. */
  bindTable(table: ITable, accessMode: 'RO' | 'RW', envName = 'TABLE_NAME'): this {
    const grant = accessMode === 'RO' ? table.grantReadData(this.fn) : table.grantReadWriteData(this.fn);
    this.fn.addEnvironment(envName, table.tableName);
    // The grant covers the table's indexes as `<table ARN>/index/*`: every GSI is generic and serves many queries.
    const stack = Stack.of(this);
    const resources = new Set(
      grant.principalStatements.flatMap((statement) => statement.resources.map((r) => nagNotation(stack.resolve(r)))),
    );
    for (const resource of [...resources].filter((r) => r.endsWith('/index/*'))) {
      Validations.of(this.fn.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason:
          "Queries go through the table's generic GSIs (GSI1 to GSI4, each serving several entities), so the grant " +
          'names the indexes of this one table by wildcard; it reaches no other table.',
      });
    }
    return this;
  }

  /** Grant reading the secret's value and expose its ARN in `envName` (the function reads it once per sandbox). */
  bindSecret(secret: ISecret, envName: string): this {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(envName, secret.secretArn);
    return this;
  }
}
