import * as z from 'zod';
import { UnitCode } from '#shared/directory/schemas';
import { defineRoute } from '#shared/http/contract';
import { SurveyFormFields } from './form.ts';
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
  SurveyResponseInput,
  SurveyResponseReceipt,
  SurveyTrend,
  SurveyUnitParams,
  TicketBatch,
  TicketBatchInput,
  TicketBatchParams,
  TrendQuery,
} from './schemas.ts';

/**
 * Routes of the survey (SKM). Citizens answer on public routes: the page `/s/{unitCode}` (what a unit's QR code
 * opens) and a JSON API. Staff read reports with a bearer token: admins any unit, everyone else the unit of their
 * own office only (the office the directory places them in).
 *
 * Public POSTs are limited per client (a pseudonym of the IP address): 10 a minute, 100 a WIB day. A respondent
 * answers once per visit and a form takes a minute or more, so 10 a minute leaves room for a family sharing a phone
 * while stopping scripts; the day cap is high because office Wi-Fi and mobile carriers' NAT put many phones behind
 * one address. Reports flag bursts; printed single-use tickets are what verifies a response.
 */

const tags = ['surveys'];

/** Limits of the public survey POSTs (see the module comment). */
export const SURVEY_RATE_LIMIT = { perMinute: 10, perDay: 100 } as const;

const refused = {
  401: { description: 'No valid bearer token' },
  403: { description: "Not an active staff member, or not of this unit's office (admins see every unit)" },
} as const;

export const surveyFormRoute = defineRoute({
  method: 'GET',
  path: '/s/{unitCode}',
  auth: 'public',
  summary: "A unit's survey form (HTML, Bahasa Indonesia, works without JavaScript), with a fresh response id",
  tags,
  // Any text: a mistyped code from a QR link gets the not-found page, not a validation error.
  request: {
    params: z.object({ unitCode: z.string() }),
    query: z.object({
      tiket: z
        .string()
        .optional()
        .meta({ description: "A printed ticket's code (its QR code), filled in for the person" }),
    }),
  },
  responses: {
    200: { description: 'The form', contentType: 'text/html' },
    404: { description: 'No active unit with this code (an HTML page)', contentType: 'text/html' },
  },
});

export const submitSurveyFormRoute = defineRoute({
  method: 'POST',
  path: '/s/{unitCode}',
  auth: 'public',
  rateLimit: SURVEY_RATE_LIMIT,
  summary:
    'Submit the survey form (urlencoded). Stored once per response id; a resend and a filled honeypot get the ' +
    'same thank-you page, and only the first stores anything',
  tags,
  request: { params: SurveyUnitParams, body: SurveyFormFields, bodyContentType: 'application/x-www-form-urlencoded' },
  responses: {
    200: { description: 'The thank-you page', contentType: 'text/html' },
    422: {
      description: 'The form again with each error beside its field and the answers kept; or an unknown unit',
      contentType: 'text/html',
    },
    409: { description: 'The ticket code was used before: the form again, nothing stored', contentType: 'text/html' },
    429: { description: 'Too many submissions from this client', contentType: 'text/html' },
  },
});

export const createSurveyResponseRoute = defineRoute({
  method: 'POST',
  path: '/surveys/{unitCode}/responses',
  auth: 'public',
  rateLimit: SURVEY_RATE_LIMIT,
  summary: 'Record a survey response (JSON). Send a ULID `responseId` to make retries safe: it is stored once',
  tags,
  request: { params: SurveyUnitParams, body: SurveyResponseInput },
  responses: {
    201: { description: 'Stored', body: SurveyResponseReceipt },
    200: { description: 'This response id was stored before; nothing changed', body: SurveyResponseReceipt },
    422: {
      description:
        'Field errors (problem+json `errors`): a score outside 1..4, a missing element, a wrong type, a suggestion ' +
        'too long, a service the unit does not list, an unknown ticket code (`ticket`), or a unit that does not ' +
        'exist or is archived (`unitCode`)',
    },
    409: { description: 'The ticket code was used by another response; nothing stored' },
    429: { description: 'Too many submissions from this client' },
  },
});

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
        population: z.number().int(),
        minimumSample: z.number().int(),
      }),
    },
    404: { description: 'No such unit' },
    ...refused,
  },
});

export const surveyQrRoute = defineRoute({
  method: 'GET',
  path: '/s/{unitCode}/qr.svg',
  auth: 'public',
  summary: "The QR code (SVG) of a unit's survey page: it encodes `<public base URL>/s/<unit code>`",
  tags,
  request: { params: SurveyUnitParams },
  responses: {
    200: { description: 'The QR code', contentType: 'image/svg+xml' },
    404: { description: 'No active unit with this code' },
    422: { description: 'A malformed unit code' },
  },
});

export const surveyPosterRoute = defineRoute({
  method: 'GET',
  path: '/s/{unitCode}/poster',
  auth: 'public',
  summary: "A unit's printable A4 poster (HTML, Bahasa Indonesia): the invitation, the QR code and the address",
  tags,
  request: { params: z.object({ unitCode: z.string() }) },
  responses: {
    200: { description: 'The poster', contentType: 'text/html' },
    404: { description: 'No active unit with this code (an HTML page)', contentType: 'text/html' },
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
