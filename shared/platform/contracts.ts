import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    stage: z.string(),
    checks: z.object({ table: z.enum(['ok', 'unreachable']) }),
    time: z.iso.datetime({ offset: true }),
  })
  .check(z.meta({ id: 'Health' }));

export const Caller = z
  .object({
    sub: z.string(),
    name: z.string(),
    email: z.string(),
    officeCode: z.string().check(z.meta({ description: 'The office the directory places this staff member in' })),
    groups: z.array(z.enum(['admin', 'operator', 'unit-head'])),
  })
  .check(z.meta({ id: 'Caller' }));

export const healthRoute = defineRoute({
  method: 'GET',
  path: '/health',
  auth: 'public',
  summary: 'Liveness and table reachability',
  tags: ['platform'],
  responses: {
    200: { description: 'The service answers and reaches its table', body: Health },
    503: { description: 'The service answers but cannot reach its table', body: Health },
  },
});

export const openApiRoute = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  auth: 'public',
  summary: 'This OpenAPI 3.1 document, generated from the zod schemas',
  tags: ['platform'],
  responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
});

export const whoAmIRoute = defineRoute({
  method: 'GET',
  path: '/me',
  auth: 'jwt',
  summary: 'The caller as the bearer token and the directory identify them',
  tags: ['platform'],
  responses: {
    200: { description: 'The caller', body: Caller },
    401: { description: 'No valid bearer token' },
    403: { description: 'Not in the directory, or disabled' },
  },
});
