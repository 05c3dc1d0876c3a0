import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

// The first "free" port handed out is one another process has just taken (here: this test's listener).
const taken = vi.hoisted(() => ({ port: 0 }));
vi.mock('#infra/local/ports', async (importOriginal) => {
  const original = await importOriginal<typeof import('#infra/local/ports')>();
  let calls = 0;
  return { freePort: async () => (calls++ === 0 ? taken.port : original.freePort()) };
});

const { startDynamoDbLocal } = await import('#infra/local/dynamodb');

let squatter: Server;

beforeAll(async () => {
  squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, resolve));
  taken.port = (squatter.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => squatter.close(() => resolve()));
});

it('starts DynamoDB Local on another free port when the one it was given was taken meanwhile', async () => {
  const dynamo = await startDynamoDbLocal();
  try {
    expect(dynamo.port).not.toBe(taken.port);
    const answer = await fetch(dynamo.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=porttest/20000101/local/dynamodb/aws4_request, Signature=0',
      },
      body: '{}',
    });
    expect(answer.status).toBe(200);
  } finally {
    await dynamo.stop();
  }
});
