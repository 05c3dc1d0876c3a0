/** The Lambda context object a handler receives (nodejs24.x has no callback methods: `done`, `succeed`, `fail`). */
export interface LambdaContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A string, as Lambda gives it. */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/**
 * Builds the context as the runtime interface client does: the function's identity from the sandbox's reserved
 * environment variables, the request from the invocation, the remaining time against the real-time deadline.
 */
export const createContext = (invocation: {
  awsRequestId: string;
  invokedFunctionArn: string;
  deadlineMs: number;
  realNow: () => number;
}): LambdaContext => {
  const env = process.env;
  return {
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? '',
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? '',
    invokedFunctionArn: invocation.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '',
    awsRequestId: invocation.awsRequestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? '',
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? '',
    // The nodejs24.x runtime no longer sets it (it only ever governed callbacks); kept for code typed against
    // @types/aws-lambda's Context, and it changes nothing here.
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => invocation.deadlineMs - invocation.realNow(),
  };
};
