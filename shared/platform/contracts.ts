import { z } from 'zod';
import { defineRoute } from '#shared/http/contract';

export const Health = z
  .object({
    status: z.enum(['ok', 'degraded']),
    stage: z.string(),
    checks: z.object({ table: z.enum(['ok', 'unreachable']) }),
    time: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Health' });

export const Caller = z
  .object({
    sub: z.string(),
    username: z.string().optional(),
    groups: z.array(z.string()),
    tokenUse: z.string().optional(),
  })
  .meta({ id: 'Caller' });

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
  summary: 'The caller as the bearer token identifies them',
  tags: ['platform'],
  responses: { 200: { description: 'The caller', body: Caller } },
});
