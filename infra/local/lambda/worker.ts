/*
 * Entry of one sandbox (a worker thread): installs the virtual clock, imports the function's bundle (init), then
 * answers one invocation at a time. Loaded by Node's own loader (types stripped natively), not by tsx or vitest,
 * so the bundle runs in plain Node as on Lambda.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createContext } from './context.ts';
import { formatError, serializeResponse } from './errors.ts';
import { type Handler, loadHandler } from './loader.ts';
import type { InvokeMessage, SandboxInit, SandboxMessage } from './protocol.ts';
import { installVirtualDate } from './virtual-date.ts';

const init = workerData as SandboxInit;
const port = parentPort!;
const post = (message: SandboxMessage) => port.postMessage(message);

// Before the import: module-level code must already see virtual time.
const clock = installVirtualDate(init.clockOffsetMs);

const invoke = async (handler: Handler, invocation: InvokeMessage) => {
  clock.setOffset(invocation.clockOffsetMs);
  const context = createContext({
    awsRequestId: invocation.requestId,
    invokedFunctionArn: invocation.invokedFunctionArn,
    deadlineMs: invocation.deadlineMs,
    realNow: clock.realNow,
  });
  try {
    const payload = serializeResponse(await handler(JSON.parse(invocation.event), context));
    post({ type: 'response', requestId: invocation.requestId, payload });
  } catch (error) {
    post({ type: 'error', requestId: invocation.requestId, error: formatError(error) });
  }
};

try {
  const handler = await loadHandler(init.taskRoot, init.handler);
  port.on('message', (invocation: InvokeMessage) => invoke(handler, invocation));
  post({ type: 'ready' });
} catch (error) {
  // The runtime discards this sandbox; the next invocation initialises a new one, as Lambda does.
  post({ type: 'initError', error: formatError(error) });
}
