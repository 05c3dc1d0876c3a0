import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import type { FaultPlan } from './types.ts';

/** A fault-injecting proxy in front of a local AWS endpoint. */
export interface AwsFaultProxy {
  /** `http://127.0.0.1:<port>`: give this to the SDK (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_SESV2`). */
  endpoint: string;
  stop(): Promise<void>;
  /**
   * HTTP calls per operation seen so far (`GetItem`, `TransactWriteItems`, ... or `SendEmail`), faulted ones included
   * and every SDK retry counted; with `accessKeyId`, only the calls signed with that key (for DynamoDB Local: the calls
   * of one isolated database).
   */
  counts(accessKeyId?: string): Record<string, number>;
  resetCounts(): void;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
]);

// Item operations; throttling them is ProvisionedThroughputExceededException. Control-plane calls get ThrottlingException.
const DATA_PLANE_READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const DATA_PLANE_WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/**
 * Starts an HTTP proxy on 127.0.0.1 that forwards every request to `target` (an origin such as DynamoDB Local's or
 * aws-ses-v2-local's) as it came (headers, Host and streamed body unchanged, so a SigV4 signature stays intact), counts
 * the calls, and, at the rates in `faults` read at each request, answers some itself as AWS would:
 *
 * - DynamoDB, any call (or only those of `throttleOperations`), at `throttleRate`: HTTP 400
 *   `ProvisionedThroughputExceededException` (item operations, the on-demand "hot key" answer, with
 *   `ThrottlingReasons`) or `ThrottlingException` (control plane). The SDK retries both.
 * - DynamoDB `TransactWriteItems`, at `transactionConflictRate`: HTTP 400 `TransactionCanceledException` with one
 *   cancellation reason per item, one of them `TransactionConflict` and the others `None`. The SDK does not retry it.
 * - SES v2 `SendEmail`, at `failureRate`: HTTP 500 `InternalFailure`, the generic 5xx every AWS API may return. The
 *   SDK retries it (3 attempts by default), so a rate r fails about r³ of sends for good.
 *
 * A faulted request never reaches `target`: nothing is written, no mail is captured.
 */
export const startAwsFaultProxy = async (options: {
  target: string;
  faults: FaultPlan;
  service: 'dynamodb' | 'ses';
  /** Source of the fault draws. @default Math.random */
  random?: () => number;
}): Promise<AwsFaultProxy> => {
  const { faults, service, random = Math.random } = options;
  const upstream = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const totals = new Map<string, number>();
  const perKey = new Map<string, Map<string, number>>();

  const count = (operation: string, accessKeyId: string | undefined) => {
    totals.set(operation, (totals.get(operation) ?? 0) + 1);
    if (accessKeyId === undefined) return;
    const mine = perKey.get(accessKeyId) ?? new Map<string, number>();
    mine.set(operation, (mine.get(operation) ?? 0) + 1);
    perKey.set(accessKeyId, mine);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: withoutHopByHop(req.headers),
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, withoutHopByHop(answer.headers));
        answer.pipe(res);
      },
    );
    outgoing.on('error', (error) => failProxy(res, error));
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    if (body) outgoing.end(body);
    else req.pipe(outgoing);
  };

  const handleDynamoDb = async (req: IncomingMessage, res: ServerResponse) => {
    const operation = /^DynamoDB_\d+\.(\w+)$/.exec(String(req.headers['x-amz-target'] ?? ''))?.[1];
    if (operation === undefined) return forward(req, res);
    count(operation, accessKeyIdOf(req));
    const only = faults.dynamodb.throttleOperations;
    if ((!only?.size || only.has(operation)) && random() < faults.dynamodb.throttleRate) {
      const body = await readBody(req);
      return replyDynamoDbError(res, throttlingError(operation, parseJson(body)));
    }
    if (operation === 'TransactWriteItems' && random() < faults.dynamodb.transactionConflictRate) {
      const body = await readBody(req);
      const items = parseJson(body)?.TransactItems;
      // Without a list of items there is nothing to cancel: let DynamoDB Local report the malformed request.
      if (!Array.isArray(items) || items.length === 0) return forward(req, res, body);
      return replyDynamoDbError(res, transactionConflict(items.length, Math.floor(random() * items.length)));
    }
    forward(req, res);
  };

  const handleSes = (req: IncomingMessage, res: ServerResponse) => {
    const { pathname } = new URL(req.url ?? '/', 'http://proxy');
    if (req.method !== 'POST' || pathname !== '/v2/email/outbound-emails') return forward(req, res);
    count('SendEmail', accessKeyIdOf(req));
    if (random() >= faults.ses.failureRate) return forward(req, res);
    req.resume();
    const payload = Buffer.from(
      JSON.stringify({
        message: 'The request processing has failed because of an unknown error, exception or failure.',
      }),
    );
    res.writeHead(500, {
      'content-type': 'application/json',
      'content-length': payload.length,
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': 'InternalFailure',
    });
    res.end(payload);
  };

  const server = createServer((req, res) => {
    const handled = service === 'dynamodb' ? handleDynamoDb(req, res) : handleSes(req, res);
    Promise.resolve(handled).catch((error: Error) => failProxy(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
    counts: (accessKeyId) =>
      Object.fromEntries(accessKeyId === undefined ? totals : (perKey.get(accessKeyId) ?? new Map())),
    resetCounts: () => {
      totals.clear();
      perKey.clear();
    },
  };
};

/** The access key id from a SigV4 `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/...` header. */
const accessKeyIdOf = (req: IncomingMessage) => /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1];

const withoutHopByHop = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const parseJson = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const failProxy = (res: ServerResponse, error: Error) => {
  if (res.headersSent) {
    res.destroy(error);
    return;
  }
  res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`fault proxy: ${error.message}`);
};

/** As DynamoDB answers an error: 400, JSON 1.0, a request id and the CRC32 of the body AWS adds to every answer. */
const replyDynamoDbError = (res: ServerResponse, body: Record<string, unknown>) => {
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(400, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': payload.length,
    'x-amzn-requestid': randomUUID(),
    'x-amz-crc32': String(crc32(payload)),
  });
  res.end(payload);
};

/** AWS's answer to a TransactWriteItems that collided with another transaction on the item at `conflictAt`. */
const transactionConflict = (itemCount: number, conflictAt: number) => {
  const reasons = Array.from({ length: itemCount }, (_, index) =>
    index === conflictAt
      ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
      : { Code: 'None' },
  );
  return {
    __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
    CancellationReasons: reasons,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
  };
};

const throttlingError = (operation: string, request: Record<string, unknown> | undefined) => {
  const isRead = DATA_PLANE_READS.has(operation);
  if (!isRead && !DATA_PLANE_WRITES.has(operation)) {
    return {
      __type: 'com.amazon.coral.availability#ThrottlingException',
      message: 'Rate of requests exceeds the allowed throughput.',
    };
  }
  const table = tableNameOf(request);
  return {
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message:
      'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or ' +
      'index so please try again shortly. If exceptions persist, check if you have a hot key: ' +
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html',
    ...(table && {
      ThrottlingReasons: [
        {
          reason: `Table${isRead ? 'Read' : 'Write'}KeyRangeThroughputExceeded`,
          // DynamoDB Local's own table ARNs use this region and account.
          resource: `arn:aws:dynamodb:ddblocal:000000000000:table/${table}`,
        },
      ],
    }),
  };
};

const tableNameOf = (request: Record<string, unknown> | undefined): string | undefined => {
  if (typeof request?.TableName === 'string') return request.TableName;
  if (typeof request?.RequestItems === 'object' && request.RequestItems !== null) {
    return Object.keys(request.RequestItems)[0];
  }
  const [first] = Array.isArray(request?.TransactItems) ? (request.TransactItems as Record<string, unknown>[]) : [];
  const action = first && (Object.values(first)[0] as { TableName?: unknown } | undefined);
  return typeof action?.TableName === 'string' ? action.TableName : undefined;
};
