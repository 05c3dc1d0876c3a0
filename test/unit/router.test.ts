import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
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
