import { routeTable } from '#shared/http/router';

/** The directory: units, people, heads and CSV imports. */
export const handler = routeTable({
  'GET /directory/units': () => import('./list-units.ts'),
  'GET /directory/units/{code}': () => import('./get-unit.ts'),
  'POST /directory/units': () => import('./create-unit.ts'),
  'PATCH /directory/units/{code}': () => import('./update-unit.ts'),
  'POST /directory/units/{code}/archive': () => import('./archive-unit.ts'),
  'PUT /directory/units/{code}/head': () => import('./set-unit-head.ts'),
  'POST /directory/import/units': () => import('./import-units.ts'),
  'GET /directory/people': () => import('./list-people.ts'),
  'GET /directory/people/{id}': () => import('./get-person.ts'),
  'POST /directory/people': () => import('./create-person.ts'),
  'PATCH /directory/people/{id}': () => import('./update-person.ts'),
  'POST /directory/import/people': () => import('./import-people.ts'),
  'POST /directory/people/export': () => import('./export-person.ts'),
});
