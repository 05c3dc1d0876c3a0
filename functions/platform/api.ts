import { routeTable } from '#shared/http/router';
import { handler as getHealth } from './get-health.ts';
import { handler as getMe } from './get-me.ts';
import { handler as getOpenapi } from './get-openapi.ts';

/** Platform routes: health, the OpenAPI document, who am I. */
export const handler = routeTable(getHealth, getOpenapi, getMe);
