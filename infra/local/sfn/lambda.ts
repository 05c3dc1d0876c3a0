import type { InvokeResult } from '../types.ts';
import { stateError } from './errors.ts';

/** What the library passes to a local handler and expects back: any JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The `arn:aws:states:::lambda:invoke` parameters the emulation reads. */
export const invokeParameters = (parameters: Json): { functionName: string; payload: Json } => {
  const params = typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters) ? parameters : {};
  if (typeof params.FunctionName !== 'string') {
    throw stateError('States.Runtime', 'lambda:invoke needs a FunctionName string parameter', { terminal: true });
  }
  // Lambda hands a handler `{}` when Invoke carries no payload.
  return { functionName: params.FunctionName, payload: params.Payload ?? {} };
};

/** The result of `lambda:invoke` as Step Functions shapes it, so `$.Payload` paths and ResultSelectors work. */
export const invokeOutput = (result: Extract<InvokeResult, { ok: true }>): Json => {
  const headers = {
    'Content-Type': 'application/json',
    'X-Amz-Executed-Version': '$LATEST',
    'x-amzn-RequestId': result.requestId,
  };
  return {
    ExecutedVersion: '$LATEST',
    Payload: (result.payload ?? null) as Json,
    SdkHttpMetadata: {
      AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
      HttpHeaders: headers,
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: result.requestId },
    StatusCode: 200,
  };
};

/** A function error as the task error Step Functions raises: named by the errorType, Cause the JSON error. */
export const functionError = (result: Extract<InvokeResult, { ok: false }>): Error =>
  stateError(
    result.errorType,
    JSON.stringify({ errorMessage: result.errorMessage, errorType: result.errorType, trace: result.trace }),
  );

/** Replaces the placeholder the library resolved for `$$.Task.Token` with the token minted for this attempt. */
export const withToken = (value: Json, placeholder: string, token: string): Json => {
  if (typeof value === 'string') return value.replaceAll(placeholder, token);
  if (Array.isArray(value)) return value.map((item) => withToken(item, placeholder, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withToken(item, placeholder, token)]));
  }
  return value;
};
