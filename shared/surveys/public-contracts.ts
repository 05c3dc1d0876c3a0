import { defineRoute } from '#shared/http/contract';
import * as z from '#shared/zod';
import { SurveyFormFields } from './form.ts';
import { SurveyResponseInput, SurveyResponseReceipt, SurveyUnitParams } from './response-schemas.ts';

/**
 * The public routes of the survey (SKM), where citizens answer: the page `/s/{unitCode}` (what a unit's QR code
 * opens), its QR code and poster, and a JSON API. Apart from the staff routes (./contracts.ts, which re-exports
 * these) so that a public route's cold start builds only the schemas it uses (docs/performance.md).
 *
 * Public POSTs are limited per client (a pseudonym of the IP address): 10 a minute, 100 a WIB day. A respondent
 * answers once per visit and a form takes a minute or more, so 10 a minute leaves room for a family sharing a phone
 * while stopping scripts; the day cap is high because office Wi-Fi and mobile carriers' NAT put many phones behind
 * one address. Reports flag bursts; printed single-use tickets are what verifies a response.
 */

const tags = ['surveys'];

/** Limits of the public survey POSTs (see the module comment). */
export const SURVEY_RATE_LIMIT = { perMinute: 10, perDay: 100 } as const;

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
        .optional(z.string())
        .check(z.meta({ description: "A printed ticket's code (its QR code), filled in for the person" })),
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
