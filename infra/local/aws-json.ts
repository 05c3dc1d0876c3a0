import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Answers an AWS JSON 1.1 request as the service would: body, request id, and the error type on errors. */
export const replyAwsJson = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': payload.length,
    'x-amzn-requestid': randomUUID(),
    ...(status >= 400 && typeof body.__type === 'string' ? { 'x-amzn-errortype': body.__type } : {}),
  });
  res.end(payload);
};
