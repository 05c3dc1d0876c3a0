import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultPlan } from '../types.ts';
import type { StepFunctionsEmulator } from './emulator.ts';
import { SfnApiError } from './errors.ts';

type Operation = (emulator: StepFunctionsEmulator, input: never) => Promise<unknown>;

const operations: Record<string, Operation> = {
  StartExecution: (emulator, input) => emulator.startExecution(input),
  SendTaskSuccess: (emulator, input) => emulator.sendTaskSuccess(input),
  SendTaskFailure: (emulator, input) => emulator.sendTaskFailure(input),
  StopExecution: (emulator, input) => emulator.stopExecution(input),
  DescribeExecution: (emulator, input) => emulator.describeExecution(input),
  ListExecutions: (emulator, input) => emulator.listExecutions(input),
};

/** awsJson1_0 sends timestamps as epoch seconds; JSON.stringify would turn a Date into an ISO string. */
const toWire = (value: unknown): unknown => {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
  }
  return value;
};

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
};

/** An AWS JSON 1.0 error: the SDK reads the code after `#` in `__type` and makes it `error.name`. */
const sendError = (res: ServerResponse, status: number, code: string, message: string) =>
  send(res, status, { __type: `com.amazonaws.states#${code}`, message });

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const handle = async (
  emulator: StepFunctionsEmulator,
  faults: Pick<FaultPlan, 'sfn'> | undefined,
  req: IncomingMessage,
  res: ServerResponse,
) => {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith('AWSStepFunctions.')
    ? operations[target.slice('AWSStepFunctions.'.length)]
    : undefined;
  const body = await readBody(req);
  if (req.method !== 'POST' || !operation) {
    sendError(res, 400, 'UnknownOperationException', `Operation not supported by the local emulator: ${target}`);
    return;
  }
  if (faults?.sfn.unavailable.has(target.slice('AWSStepFunctions.'.length))) {
    sendError(res, 503, 'ServiceUnavailable', 'Injected fault: the service is unavailable');
    return;
  }
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    sendError(res, 400, 'SerializationException', 'Request body is not valid JSON');
    return;
  }
  try {
    send(res, 200, toWire(await operation(emulator, input as never)));
  } catch (error) {
    if (error instanceof SfnApiError) sendError(res, 400, error.code, error.message);
    else sendError(res, 500, 'InternalFailure', error instanceof Error ? error.message : String(error));
  }
};

/**
 * The Step Functions endpoint of the local runtime: dispatches `x-amz-target: AWSStepFunctions.<Operation>` with
 * `application/x-amz-json-1.0` bodies to the emulator and answers as AWS does (errors as HTTP 400 with `__type`),
 * so the unchanged SDK `SFNClient` works against it through `AWS_ENDPOINT_URL_SFN`. Signatures are not checked.
 */
export const sfnRequestHandler =
  (emulator: StepFunctionsEmulator, faults?: Pick<FaultPlan, 'sfn'>) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    handle(emulator, faults, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, 'InternalFailure', String(error));
      else res.destroy();
    });
  };
