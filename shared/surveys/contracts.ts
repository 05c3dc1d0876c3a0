import { UnitCode } from '#shared/directory/schemas';
import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { PeriodKey } from './periods.ts';
import {
  ExportQuery,
  FollowUpInput,
  OverviewQuery,
  PopulationInput,
  ReportQuery,
  Suggestion,
  SuggestionPage,
  SuggestionParams,
  SuggestionQuery,
  SurveyOverview,
  SurveyReport,
  SurveyTrend,
  SurveyUnitParams,
  TicketBatch,
  TicketBatchInput,
  TicketBatchParams,
  TrendQuery,
} from './schemas.ts';

/**
 * Routes of the survey (SKM). Citizens answer on the public routes (./public-contracts.ts, re-exported here). Staff
 * read reports with a bearer token: admins any unit, everyone else the unit of their own office only (the office the
 * directory places them in).
 */

export {
  createSurveyResponseRoute,
  SURVEY_RATE_LIMIT,
  submitSurveyFormRoute,
  surveyFormRoute,
  surveyPosterRoute,
  surveyQrRoute,
} from './public-contracts.ts';

const tags = ['surveys'];

const refused = {
  401: { description: 'No valid bearer token' },
  403: { description: "Not an active staff member, or not of this unit's office (admins see every unit)" },
} as const;

export const surveyReportRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/report',
  auth: 'jwt',
  summary:
    "A unit's survey report for a range of WIB months (at most 12): IKM with mutu and kinerja, NRR per element " +
    'weakest first, answer distribution, services, respondents, minimum sample. Read from the aggregates only',
  tags,
  request: { params: SurveyUnitParams, query: ReportQuery },
  responses: {
    200: { description: 'The report', body: SurveyReport },
    404: { description: 'No such unit' },
    422: { description: 'Months malformed, out of order or more than 12; unknown instrument version' },
    ...refused,
  },
});

export const setSurveyPopulationRoute = defineRoute({
  method: 'PUT',
  path: '/surveys/{unitCode}/population/{period}',
  auth: 'jwt',
  summary:
    'Record how many people a unit served in a WIB period (2026, 2026-S1, 2026-Q1 or 2026-02), for the minimum ' +
    'sample of reports over exactly that period',
  tags,
  request: { params: z.object({ unitCode: UnitCode, period: PeriodKey }), body: PopulationInput },
  responses: {
    200: {
      description: 'Recorded',
      body: z.object({
        unitCode: z.string(),
        period: z.string(),
        population: z.int(),
        minimumSample: z.int(),
      }),
    },
    404: { description: 'No such unit' },
    ...refused,
  },
});

export const createTicketBatchRoute = defineRoute({
  method: 'POST',
  path: '/surveys/{unitCode}/ticket-batches',
  auth: 'jwt',
  summary:
    'Create a batch of printed single-use tickets for a unit (at most 500): a response sent with one of its codes ' +
    'counts as verified, and a code works once',
  tags,
  request: { params: SurveyUnitParams, body: TicketBatchInput },
  responses: {
    201: { description: 'Created, with its codes and the path of its printable sheet', body: TicketBatch },
    404: { description: 'No active unit with this code' },
    ...refused,
  },
});

export const ticketSheetRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/ticket-batches/{batchId}/sheet',
  auth: 'session',
  summary: "A batch's tickets as an A4 sheet to print and cut apart (staff page, behind the staff session)",
  tags,
  request: { params: TicketBatchParams },
  responses: {
    200: { description: 'The sheet', contentType: 'text/html' },
    303: { description: 'No session: to the sign-in, and back here afterwards' },
    403: { description: "Not of this unit's office", contentType: 'text/html' },
    404: { description: 'No such batch of this unit', contentType: 'text/html' },
  },
});

export const listSuggestionsRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/suggestions',
  auth: 'jwt',
  summary:
    "A unit's suggestions (saran/pengaduan), newest first, with their follow-up: open, answered (with the unit's " +
    'reply) or closed. Read from the suggestions index, never a scan',
  tags,
  request: { params: SurveyUnitParams, query: SuggestionQuery },
  responses: {
    200: { description: 'One page; `next` is the cursor of the following one', body: SuggestionPage },
    ...refused,
  },
});

export const followUpSuggestionRoute = defineRoute({
  method: 'PUT',
  path: '/surveys/{unitCode}/suggestions/{responseId}',
  auth: 'jwt',
  roles: ['unit-head', 'admin'],
  summary:
    "The unit's follow-up of a suggestion: a reply (answered; a later reply replaces it) or closing it. A closed " +
    'suggestion stays closed. Unit heads of the unit, and admins',
  tags,
  request: { params: SuggestionParams, body: FollowUpInput },
  responses: {
    200: { description: 'The suggestion as followed up', body: Suggestion },
    404: { description: 'No suggestion with this response id in this unit' },
    409: { description: 'The suggestion is closed' },
    ...refused,
  },
});

export const surveyTrendRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/trend',
  auth: 'jwt',
  summary:
    "A unit's IKM over periods of one kind (months, quarters, semesters or years; at most 36 months), from the " +
    'monthly aggregates',
  tags,
  request: { params: SurveyUnitParams, query: TrendQuery },
  responses: {
    200: { description: 'One point per period, in order', body: SurveyTrend },
    404: { description: 'No such unit' },
    ...refused,
  },
});

export const surveyOverviewRoute = defineRoute({
  method: 'GET',
  path: '/surveys/overview',
  auth: 'jwt',
  roles: ['admin'],
  summary:
    'The city for a period: every active unit pooled, roll-ups per unit type, and the ranking of units with at ' +
    'least `minResponses` responses (admins)',
  tags,
  request: { query: OverviewQuery },
  responses: {
    200: { description: 'The overview', body: SurveyOverview },
    ...refused,
  },
});

const exportDescription =
  'of a unit for 1 to 12 WIB months: its report (`content=report`) or its raw responses (`content=responses`). ' +
  'Text starting with = + - @ never becomes a formula';

export const exportCsvRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/export.csv',
  auth: 'jwt',
  summary: `CSV export ${exportDescription} (such text is prefixed with an apostrophe)`,
  tags,
  request: { params: SurveyUnitParams, query: ExportQuery },
  responses: {
    200: { description: 'UTF-8 CSV with a byte order mark, CRLF lines', contentType: 'text/csv' },
    404: { description: 'No such unit' },
    ...refused,
  },
});

export const exportXlsxRoute = defineRoute({
  method: 'GET',
  path: '/surveys/{unitCode}/export.xlsx',
  auth: 'jwt',
  summary: `XLSX export ${exportDescription} (such text is stored as a text cell)`,
  tags,
  request: { params: SurveyUnitParams, query: ExportQuery },
  responses: {
    200: {
      description: 'An Excel workbook',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
    404: { description: 'No such unit' },
    ...refused,
  },
});
