import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { type RouteHandler, routeTable } from '#shared/http/router';

const handlerFor = (method: 'GET' | 'POST', path: string): RouteHandler =>
  Object.assign(async () => ({ statusCode: 200, body: `${method} ${path}` }), {
    route: { method, path, summary: '', auth: 'public', responses: {} } as unknown as RouteHandler['route'],
  });

const event = (routeKey: string) => ({ routeKey }) as APIGatewayProxyEventV2;
const context = {} as Context;

describe('a capability route table', () => {
  it('loads a route only when a request for it arrives, once', async () => {
    const loads: string[] = [];
    const loader = (method: 'GET' | 'POST', path: string) => async () => {
      loads.push(path);
      return { handler: handlerFor(method, path) };
    };
    const table = routeTable({ 'GET /a': loader('GET', '/a'), 'POST /b': loader('POST', '/b') });
    expect(loads).toEqual([]);
    expect((await table(event('POST /b'), context)).body).toBe('POST /b');
    expect((await table(event('POST /b'), context)).body).toBe('POST /b');
    expect(loads).toEqual(['/b']);
  });

  it('answers 404 problem+json for a route key it does not serve, loading nothing', async () => {
    let loaded = false;
    const table = routeTable({
      'GET /a': async () => {
        loaded = true;
        return { handler: handlerFor('GET', '/a') };
      },
    });
    const answer = await table(event('GET /toString'), context);
    expect(answer.statusCode).toBe(404);
    expect(answer.headers?.['content-type']).toBe('application/problem+json');
    expect(loaded).toBe(false);
  });

  it('refuses a loader that yields another route, and tries again on the next request', async () => {
    let attempts = 0;
    const table = routeTable({
      'GET /a': async () => ({ handler: handlerFor('GET', attempts++ === 0 ? '/b' : '/a') }),
    });
    await expect(table(event('GET /a'), context)).rejects.toThrow('GET /a loads the handler of GET /b');
    expect((await table(event('GET /a'), context)).body).toBe('GET /a');
  });
});

describe('a bearer request to a route not yet loaded', () => {
  const admin = { sub: 'admin-1', name: 'Admin', email: 'admin@example.go.id', officeCode: 'BKPSDM', status: 'active' };
  const bearerEvent = (routeKey: string, sub: string) =>
    ({
      routeKey,
      rawPath: '/me',
      headers: {},
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'GET', path: '/me', sourceIp: '127.0.0.1' },
        authorizer: { jwt: { claims: { sub, 'cognito:groups': '[admin]' }, scopes: [] } },
      },
    }) as unknown as APIGatewayProxyEventV2;
  const lambdaContext = { getRemainingTimeInMillis: () => 10_000, functionName: 'test', awsRequestId: 'r' } as Context;

  it("reads the caller's staff item while the route's code loads, once per request", async () => {
    process.env.TABLE_NAME ??= 'abdi-test';
    const { documents } = await import('#shared/aws/clients');
    const { httpRoute } = await import('#shared/http/route');
    const reads: string[] = [];
    const send = vi.spyOn(documents, 'send').mockImplementation((async (command: {
      input: { Key?: { PK: string } };
    }) => {
      reads.push(command.input.Key?.PK ?? '?');
      return { Item: admin };
    }) as never);
    try {
      let readsWhileLoading: string[] = [];
      const me = httpRoute(
        { method: 'GET', path: '/me', auth: 'jwt', summary: '', tags: [], responses: { 200: { description: '' } } },
        async ({ caller }) => ({ status: 200, body: { officeCode: caller.officeCode } }),
      );
      const table = routeTable({
        'GET /me': async () => {
          // The loader yields to the event loop as an import does; the lookup must already be under way.
          await new Promise((resolve) => setTimeout(resolve, 5));
          readsWhileLoading = [...reads];
          return { handler: me };
        },
      });

      const first = await table(bearerEvent('GET /me', admin.sub), lambdaContext);
      expect(first.statusCode).toBe(200);
      expect(JSON.parse(first.body ?? '{}')).toEqual({ officeCode: 'BKPSDM' });
      expect(readsWhileLoading).toEqual([`STAFF#${admin.sub}`]);
      expect(reads).toEqual([`STAFF#${admin.sub}`]);

      // Loaded: the route reads the caller itself, once.
      expect((await table(bearerEvent('GET /me', admin.sub), lambdaContext)).statusCode).toBe(200);
      expect(reads).toEqual([`STAFF#${admin.sub}`, `STAFF#${admin.sub}`]);
    } finally {
      send.mockRestore();
    }
  });

  it('leaves no deadline behind when the route fails to load', async () => {
    process.env.TABLE_NAME ??= 'abdi-test';
    const { documents } = await import('#shared/aws/clients');
    const { remainingMs } = await import('#shared/aws/deadline');
    const send = vi.spyOn(documents, 'send').mockImplementation((async () => ({ Item: admin })) as never);
    try {
      const table = routeTable({
        'GET /me': async () => {
          throw new Error('chunk missing');
        },
      });
      await expect(table(bearerEvent('GET /me', admin.sub), lambdaContext)).rejects.toThrow('chunk missing');
      expect(remainingMs()).toBe(Number.POSITIVE_INFINITY);
    } finally {
      send.mockRestore();
    }
  });

  it('answers a request without claims (a public route) without reading any staff item', async () => {
    const { documents } = await import('#shared/aws/clients');
    const send = vi.spyOn(documents, 'send');
    try {
      const table = routeTable({ 'GET /a': async () => ({ handler: handlerFor('GET', '/a') }) });
      expect((await table(event('GET /a'), context)).body).toBe('GET /a');
      expect(send).not.toHaveBeenCalled();
    } finally {
      send.mockRestore();
    }
  });
});
