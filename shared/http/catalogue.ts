import { callbackRoute, loginRoute, logoutRoute } from '#shared/auth/contracts';
import {
  archiveUnitRoute,
  createPersonRoute,
  createUnitRoute,
  getPersonRoute,
  getUnitRoute,
  importPeopleRoute,
  importUnitsRoute,
  listPeopleRoute,
  listUnitsRoute,
  setUnitHeadRoute,
  updatePersonRoute,
  updateUnitRoute,
} from '#shared/directory/contracts';
import type { RouteContract } from '#shared/http/contract';
import { healthRoute, openApiRoute, whoAmIRoute } from '#shared/platform/contracts';

/** One Lambda function behind the HTTP API: its entry file, the routes it serves and the access it needs. */
export interface Endpoint {
  id: string;
  entry: string;
  description: string;
  routes: readonly RouteContract[];
  table?: 'RO' | 'RW';
  /** The function hashes NIPs: it gets read access to the NIP HMAC key. @default false */
  nipHmac?: boolean;
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
  {
    id: 'AuthLogin',
    entry: 'functions/auth/get-login.ts',
    description: 'GET /auth/login',
    routes: [loginRoute],
  },
  {
    id: 'AuthCallback',
    entry: 'functions/auth/get-callback.ts',
    description: 'GET /auth/callback',
    routes: [callbackRoute],
  },
  {
    id: 'AuthLogout',
    entry: 'functions/auth/post-logout.ts',
    description: 'POST /auth/logout',
    routes: [logoutRoute],
  },
  { id: 'GetMe', entry: 'functions/platform/get-me.ts', description: 'GET /me', routes: [whoAmIRoute], table: 'RO' },
  // The directory: units, people and heads (shared/directory).
  ...(
    [
      ['ListUnits', 'list-units', listUnitsRoute, 'RO'],
      ['GetUnit', 'get-unit', getUnitRoute, 'RO'],
      ['CreateUnit', 'create-unit', createUnitRoute, 'RW'],
      ['UpdateUnit', 'update-unit', updateUnitRoute, 'RW'],
      ['ArchiveUnit', 'archive-unit', archiveUnitRoute, 'RW'],
      ['SetUnitHead', 'set-unit-head', setUnitHeadRoute, 'RW'],
      ['ImportUnits', 'import-units', importUnitsRoute, 'RW'],
      ['ListPeople', 'list-people', listPeopleRoute, 'RO'],
      ['GetPerson', 'get-person', getPersonRoute, 'RO'],
      ['CreatePerson', 'create-person', createPersonRoute, 'RW', true],
      ['UpdatePerson', 'update-person', updatePersonRoute, 'RW', true],
      ['ImportPeople', 'import-people', importPeopleRoute, 'RW', true],
    ] as const
  ).map(([id, file, route, table, nipHmac]) => ({
    id: `Directory${id}`,
    entry: `functions/directory/${file}.ts`,
    description: `${route.method} ${route.path}`,
    routes: [route],
    table,
    ...(nipHmac ? { nipHmac } : {}),
  })),
];
