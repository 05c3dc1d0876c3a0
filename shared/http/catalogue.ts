import type { RouteContract } from '#shared/http/contract';
import { healthRoute, openApiRoute, whoAmIRoute } from '#shared/platform/contracts';

/** One Lambda function behind the HTTP API: its entry file, the routes it serves and the access it needs. */
export interface Endpoint {
  id: string;
  entry: string;
  description: string;
  routes: readonly RouteContract[];
  table?: 'RO' | 'RW';
}

/** Every HTTP function of the stack: the CDK app builds the API from it and the OpenAPI document lists it. */
export const endpoints: readonly Endpoint[] = [
  {
    id: 'GetHealth',
    entry: 'functions/platform/get-health.ts',
    description: 'GET /health',
    routes: [healthRoute],
    table: 'RO',
  },
  {
    id: 'GetOpenApi',
    entry: 'functions/platform/get-openapi.ts',
    description: 'GET /openapi.json',
    routes: [openApiRoute],
  },
  { id: 'GetMe', entry: 'functions/platform/get-me.ts', description: 'GET /me', routes: [whoAmIRoute], table: 'RO' },
];
