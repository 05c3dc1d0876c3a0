import { routeTable } from '#shared/http/router';

/** Platform routes: health, the OpenAPI document, who am I. */
export const handler = routeTable({
  'GET /health': () => import('./get-health.ts'),
  'GET /openapi.json': () => import('./get-openapi.ts'),
  'GET /me': () => import('./get-me.ts'),
});
