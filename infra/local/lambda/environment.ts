import { randomBytes } from 'node:crypto';
import type { FunctionSpec } from '../types.ts';

/**
 * The `process.env` of one sandbox: the template's variables, then Lambda's reserved ones (which the template may
 * not set), then the runtime's own (local endpoints, dummy credentials). Built per sandbox: each has its log stream.
 */
export const sandboxEnvironment = (
  spec: FunctionSpec,
  options: { region: string; runtimeEnv: Record<string, string>; startedAt: number },
): Record<string, string> => ({
  ...spec.environment,
  AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
  AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
  AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(options.startedAt),
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_REGION: options.region,
  AWS_DEFAULT_REGION: options.region,
  AWS_EXECUTION_ENV: `AWS_Lambda_${spec.runtime}`,
  LAMBDA_TASK_ROOT: spec.assetDir,
  _HANDLER: spec.handler,
  LANG: 'en_US.UTF-8',
  // What Lambda sets; Node reads it as UTC. It changes the zone only if the whole process runs with it (see pool.ts).
  TZ: ':UTC',
  ...options.runtimeEnv,
});

/** `2026/01/31/[$LATEST]<32 hex>`, as Lambda names a sandbox's stream. */
const logStreamName = (startedAt: number): string =>
  `${new Date(startedAt).toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
