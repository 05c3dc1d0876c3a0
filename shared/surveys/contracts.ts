import * as z from 'zod';
import { UnitCode } from '#shared/directory/schemas';
import { defineRoute } from '#shared/http/contract';
import { SurveyFormFields } from './form.ts';
import { PeriodKey } from './periods.ts';
import {
  PopulationInput,
  ReportQuery,
  SurveyReport,
  SurveyResponseInput,
  SurveyResponseReceipt,
  SurveyUnitParams,
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
  request: { params: z.object({ unitCode: z.string() }) },
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
        'too long, a service the unit does not list, or a unit that does not exist or is archived (`unitCode`)',
    },
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
