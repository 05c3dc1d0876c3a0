import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '#infra/local/cloud';
import { json } from '#test/support/http';

let cloud: LocalCloud;

beforeAll(async () => {
  cloud = await startLocalCloud({ accessKeyId: 'appbundles', seed: true });
});

afterAll(async () => {
  await cloud?.stop();
});

/** The smallest payload format 2.0 event API Gateway could send for a route. */
const minimalEvent = (routeKey: string) => {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      requestId: 'minimal',
      routeKey,
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  };
};

describe('every function of the app', () => {
  it('imports its real bundle and answers a minimal event of its route without failing', async () => {
    expect(cloud.system.functions.length).toBeGreaterThan(0);
    for (const fn of cloud.system.functions) {
      const route = cloud.system.routes.find((r) => r.functionName === fn.functionName);
      const result = await cloud.lambda.invoke(fn.functionName, route ? minimalEvent(route.routeKey) : {});
      expect(result.ok, `${fn.logicalId}: ${result.ok ? '' : `${result.errorType} ${result.errorMessage}`}`).toBe(true);
      if (result.ok && route) {
        const status = (result.payload as { statusCode: number }).statusCode;
        expect(status, `${fn.logicalId} answered ${status}`).toBeLessThan(500);
      }
    }
  });
});

describe('platform routes', () => {
  it('serves /health with the table reachable', async () => {
    const response = await fetch(`${cloud.url}/health`);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: 'ok', stage: 'dev', checks: { table: 'ok' } });
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('serves an OpenAPI 3.1 document listing every route of the template', async () => {
    const document = await fetch(`${cloud.url}/openapi.json`).then(json);
    expect(document.openapi).toBe('3.1.0');
    for (const route of cloud.system.routes) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()], route.routeKey).toBeDefined();
    }
  });

  it('tells a signed-in caller who they are', async () => {
    const token = await cloud.token({ sub: 'dev-operator-dinkes', groups: ['operator'] });
    const response = await fetch(`${cloud.url}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      sub: 'dev-operator-dinkes',
      officeCode: 'DINKES',
      groups: ['operator'],
    });
  });
});
