import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { PersonExport, PersonExportInput } from './export.ts';
import { ImportSummarySchema, MAX_IMPORT_ROWS, PEOPLE_COLUMNS_DOC, UNIT_COLUMNS_DOC } from './import-format.ts';
import { PageQuery } from './paging.ts';
import {
  Person,
  PersonInput,
  PersonPatch,
  Position,
  ResolvedHead,
  SetHeadInput,
  Unit,
  UnitCode,
  UnitInput,
  UnitPatch,
  UnitStatus,
  UnitType,
} from './schemas.ts';

/**
 * Routes of the directory: the organisation tree, its people and heads. Admins (BKPSDM / organisation bureau)
 * change it; any active staff member may read units and people (phones masked).
 */

const tags = ['directory'];
const UnitParams = z.object({ code: UnitCode });
const PersonParams = z.object({ id: z.ulid('ID orang tidak valid') });

const refused = {
  401: { description: 'No valid bearer token' },
  403: { description: 'Not an active staff member, or not an admin' },
} as const;

const UnitSummary = z
  .pick(Unit, { code: true, name: true, type: true, status: true })
  .check(z.meta({ id: 'UnitSummary' }));

export const UnitDetail = z
  .extend(Unit, {
    children: z.array(UnitSummary),
    head: z.optional(Position).check(z.meta({ description: 'The head position (kepala); absent when never set' })),
    approver: z.optional(ResolvedHead).check(
      z.meta({
        description: 'Who approves as head of this unit at `at`; absent when nobody up to the city fills a head',
      }),
    ),
  })
  .check(z.meta({ id: 'UnitDetail' }));

export const PersonDetail = z
  .extend(Person, {
    positions: z.array(
      z.object({
        unitCode: z.string(),
        positionId: z.string(),
        title: z.string(),
        as: z.enum(['holder', 'Plt', 'Plh']),
      }),
    ),
  })
  .check(z.meta({ id: 'PersonDetail' }));

export const listUnitsRoute = defineRoute({
  method: 'GET',
  path: '/directory/units',
  auth: 'jwt',
  summary: 'Units of the organisation, flat: all by type then name, or the children of one parent',
  tags,
  request: {
    query: z.extend(PageQuery, {
      type: z.optional(UnitType),
      parentCode: z.optional(UnitCode),
      status: z.optional(UnitStatus),
    }),
  },
  responses: {
    200: {
      description: 'One page of units; `next` is the cursor of the next page',
      body: z.object({ units: z.array(Unit), next: z.optional(z.string()) }),
    },
    ...refused,
  },
});

export const getUnitRoute = defineRoute({
  method: 'GET',
  path: '/directory/units/{code}',
  auth: 'jwt',
  summary: 'A unit with its children, its head position and who approves as its head',
  tags,
  request: {
    params: UnitParams,
    query: z.object({
      at: z
        .optional(z.iso.datetime({ offset: true }))
        .check(z.meta({ description: 'Resolve the approver at; default now' })),
    }),
  },
  responses: { 200: { description: 'The unit', body: UnitDetail }, 404: { description: 'No such unit' }, ...refused },
});

export const createUnitRoute = defineRoute({
  method: 'POST',
  path: '/directory/units',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Create a unit under an active parent (only the city has none)',
  tags,
  request: { body: UnitInput },
  responses: {
    201: { description: 'Created, at version 1', body: Unit },
    409: { description: 'The code is taken' },
    422: { description: 'Invalid fields, or the parent is missing or archived' },
    ...refused,
  },
});

export const updateUnitRoute = defineRoute({
  method: 'PATCH',
  path: '/directory/units/{code}',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Change a unit (name, type, parent, sector, services, head email), based on the version read',
  tags,
  request: { params: UnitParams, body: UnitPatch },
  responses: {
    200: { description: 'Changed; the version is raised by one', body: Unit },
    404: { description: 'No such unit' },
    409: { description: 'The version is stale: someone changed the unit since it was read' },
    422: { description: 'Invalid fields, a missing or archived parent, or a move that would form a cycle' },
    ...refused,
  },
});

export const archiveUnitRoute = defineRoute({
  method: 'POST',
  path: '/directory/units/{code}/archive',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Archive a unit that has no active children',
  tags,
  request: { params: UnitParams, body: z.object({ version: z.number().check(z.int(), z.minimum(0)) }) },
  responses: {
    200: { description: 'Archived', body: Unit },
    404: { description: 'No such unit' },
    409: { description: 'Stale version, already archived, or the unit still has active children' },
    ...refused,
  },
});

export const setUnitHeadRoute = defineRoute({
  method: 'PUT',
  path: '/directory/units/{code}/head',
  auth: 'jwt',
  roles: ['admin'],
  summary: "Set who fills a unit's head position: a holder, an acting official (Plt./Plh.), both, or nobody",
  tags,
  request: { params: UnitParams, body: SetHeadInput },
  responses: {
    200: { description: 'The head position as stored', body: Position },
    404: { description: 'No such unit' },
    409: { description: 'Stale version, or the unit is archived' },
    422: { description: 'Unknown person, dates out of order, or the holder named as acting official' },
    ...refused,
  },
});

const importResponses = {
  200: {
    description: 'Every row was valid and is written; counts of created, updated and unchanged rows',
    body: ImportSummarySchema,
  },
  409: {
    description: 'Stopped by a concurrent change after some transactions; the message says how many rows were written',
  },
  415: { description: 'The body is not text/csv' },
  422: {
    description:
      'At least one bad row: nothing was written. `errors` lists each (row, column, message in Bahasa Indonesia)',
  },
  ...refused,
} as const;

const csvNotes =
  'UTF-8 with or without BOM; `,` or `;` separated; quoted fields may hold separators, quotes ("") and line breaks. ' +
  `Header names are case-insensitive. At most ${MAX_IMPORT_ROWS} rows. All or nothing: every row is validated first.`;

export const importUnitsRoute = defineRoute({
  method: 'POST',
  path: '/directory/import/units',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    `Import units from CSV, upserting by code. Columns: ${UNIT_COLUMNS_DOC}. ` +
    '`jenis`: kota, sekretariat, inspektorat, dinas, badan, kecamatan, kelurahan, puskesmas, rsud, sekolah, uptd; ' +
    '`induk`: the parent code, in the file or the directory (empty only for the city); ' +
    '`layanan`: service names separated by `|` or line breaks. A column left out keeps stored values; an empty cell ' +
    `clears an optional field. Archived units stay archived. ${csvNotes}`,
  tags,
  request: { body: z.string().check(z.meta({ description: 'The CSV file' })), bodyContentType: 'text/csv' },
  responses: importResponses,
});

export const importPeopleRoute = defineRoute({
  method: 'POST',
  path: '/directory/import/people',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    `Import people from CSV, matching on email (a known email updates that person). Columns: ${PEOPLE_COLUMNS_DOC}. ` +
    '`jenis_pegawai`: PNS or PPPK; `unit`: the code of an active unit. A column left out keeps stored values. ' +
    csvNotes,
  tags,
  request: { body: z.string().check(z.meta({ description: 'The CSV file' })), bodyContentType: 'text/csv' },
  responses: importResponses,
});

export const listPeopleRoute = defineRoute({
  method: 'GET',
  path: '/directory/people',
  auth: 'jwt',
  summary: 'People of the directory by name, all or those of one unit; phone numbers masked',
  tags,
  request: { query: z.extend(PageQuery, { unitCode: z.optional(UnitCode) }) },
  responses: {
    200: {
      description: 'One page of people; `next` is the cursor of the next page',
      body: z.object({ people: z.array(Person), next: z.optional(z.string()) }),
    },
    ...refused,
  },
});

export const getPersonRoute = defineRoute({
  method: 'GET',
  path: '/directory/people/{id}',
  auth: 'jwt',
  summary: 'A person and the head positions they hold or act in; the full phone number for admins only',
  tags,
  request: { params: PersonParams },
  responses: {
    200: { description: 'The person', body: PersonDetail },
    404: { description: 'No such person' },
    ...refused,
  },
});

export const createPersonRoute = defineRoute({
  method: 'POST',
  path: '/directory/people',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Add a person (a new ULID); the email must be unused in the directory',
  tags,
  request: { body: PersonInput },
  responses: {
    201: { description: 'Added, at version 1', body: Person },
    409: { description: 'The email belongs to another person' },
    422: { description: 'Invalid fields, or an unknown or archived unit' },
    ...refused,
  },
});

export const updatePersonRoute = defineRoute({
  method: 'PATCH',
  path: '/directory/people/{id}',
  auth: 'jwt',
  roles: ['admin'],
  summary: 'Change a person, based on the version read',
  tags,
  request: { params: PersonParams, body: PersonPatch },
  responses: {
    200: { description: 'Changed; the version is raised by one', body: Person },
    404: { description: 'No such person' },
    409: { description: 'Stale version, or the new email belongs to another person' },
    422: { description: 'Invalid fields, or an unknown or archived unit' },
    ...refused,
  },
});

export const exportPersonRoute = defineRoute({
  method: 'POST',
  path: '/directory/people/export',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    "Everything kept about the holder of a NIP (a data subject's request): the person, their staff account, their " +
    'training registrations and those submissions. The NIP goes in the body, never in a URL',
  tags,
  request: { body: PersonExportInput },
  responses: {
    200: { description: "The person's data", body: PersonExport },
    404: { description: 'Nothing is kept about this NIP' },
    422: { description: 'Not a NIP' },
    ...refused,
  },
});
