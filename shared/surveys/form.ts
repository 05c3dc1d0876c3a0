import { ulid } from 'ulid';
import type { Unit } from '#shared/directory/schemas';
import { UnitCode } from '#shared/directory/schemas';
import { type Documents, getUnit } from '#shared/directory/units';
import { ConflictError, type DomainFieldError, InvalidError, NotFoundError } from '#shared/errors';
import * as z from '#shared/zod';
import { DEFAULT_INSTRUMENT, type Instrument, instrumentOf } from './instrument.ts';
import { RESPONDENT_FIELDS, SUGGESTION_MAX, SurveyResponseInput, TicketCode } from './response-schemas.ts';
import { loadSurveyTarget, type RecordOptions, storeSurveyResponse, unitErrors, unknownUnit } from './responses.ts';

/**
 * The survey form as a browser posts it (urlencoded, every value a string) and what becomes of it: the same
 * `SurveyResponseInput` schema as the JSON API validates it, after the form's strings are mapped onto it.
 * Field names are the dotted paths of that schema (`answers.waktu`, `respondent.gender`), so a field error's path
 * is the name of the field it belongs beside.
 */

/** The honeypot: a field people never see (hidden by CSS, out of the tab order) and form-filling bots fill. */
export const HONEYPOT_FIELD = 'website';

/** The posted form: field name -> value (a repeated field gives an array). */
export const SurveyFormFields = z._default(z.record(z.string(), z.union([z.string(), z.array(z.string())])), {}).check(
  z.meta({
    description:
      'The survey form, urlencoded: responseId, instrumentVersion, answers.<element> (1..4), service, ' +
      'respondent.<field>, suggestion, ticket; validated as SurveyResponseInput',
  }),
);
export type SurveyFormFields = z.output<typeof SurveyFormFields>;

/** What the form showed or was sent, as strings: to render it again with the answers kept. */
export interface FormValues {
  responseId: string;
  instrumentVersion: string;
  answers: Record<string, string>;
  service: string;
  respondent: Record<string, string>;
  suggestion: string;
  /** A printed ticket's code, as typed. */
  ticket: string;
}

const first = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? (value[0] ?? '') : (value ?? '');

// What a form page echoes back is bounded: too long still fails validation, and a 6 MB post is not sent back whole.
const ECHO_LIMIT = 10 * SUGGESTION_MAX;
const field = (fields: SurveyFormFields, name: string) => first(fields[name]).slice(0, ECHO_LIMIT);

/** The form's values as posted (strings), for the instrument the form was made from. */
export const formValuesOf = (fields: SurveyFormFields, instrument: Instrument): FormValues => ({
  responseId: field(fields, 'responseId').trim(),
  instrumentVersion: field(fields, 'instrumentVersion').trim(),
  answers: Object.fromEntries(instrument.elements.map((e) => [e.key, field(fields, `answers.${e.key}`).trim()])),
  service: field(fields, 'service'),
  respondent: Object.fromEntries(RESPONDENT_FIELDS.map((f) => [f, field(fields, `respondent.${f}`).trim()])),
  suggestion: field(fields, 'suggestion'),
  ticket: field(fields, 'ticket').trim().slice(0, 40),
});

const blankToUndefined = (value: string): string | undefined => (value.trim() === '' ? undefined : value);

/**
 * The form's values shaped as the JSON API's input: empty fields absent, a score that is digits as a number (any
 * other text stays text, for the schema to refuse as the wrong type).
 */
export const inputFromForm = (values: FormValues): Record<string, unknown> => {
  const respondent = Object.fromEntries(
    Object.entries(values.respondent).flatMap(([field, value]) => (value ? [[field, value]] : [])),
  );
  return {
    ...(values.responseId ? { responseId: values.responseId } : {}),
    ...(values.instrumentVersion ? { instrumentVersion: values.instrumentVersion } : {}),
    answers: Object.fromEntries(
      Object.entries(values.answers).flatMap(([key, value]) =>
        value === '' ? [] : [[key, /^\d{1,3}$/.test(value) ? Number(value) : value]],
      ),
    ),
    ...(blankToUndefined(values.service) !== undefined ? { service: values.service } : {}),
    ...(Object.keys(respondent).length ? { respondent } : {}),
    ...(blankToUndefined(values.suggestion) !== undefined ? { suggestion: values.suggestion } : {}),
    ...(values.ticket ? { ticket: values.ticket } : {}),
  };
};

/** A blank form of a unit: the unit, the instrument and a new response id. */
export interface SurveyForm {
  unit: Unit;
  instrument: Instrument;
  values: FormValues;
  errors: DomainFieldError[];
}

/**
 * A new, blank survey form for a unit, with a fresh response id (a ULID) that a resend of the form will carry, and
 * the ticket code of the link that opened it (a printed ticket's QR code) when it looks like one.
 * @throws NotFoundError for a code that names no active unit (malformed codes included: a mistyped QR link)
 */
export const openSurveyForm = async (
  client: Documents,
  table: string,
  rawUnitCode: string,
  now: Date,
  ticket?: string,
): Promise<SurveyForm> => {
  const code = UnitCode.safeParse(rawUnitCode);
  const unit = code.success ? await getUnit(client, table, code.data, false) : undefined;
  if (unit?.status !== 'active') throw new NotFoundError('Unit layanan ini tidak ditemukan');
  const instrument = DEFAULT_INSTRUMENT;
  return {
    unit,
    instrument,
    values: {
      ...formValuesOf({}, instrument),
      responseId: ulid(now.getTime()),
      instrumentVersion: instrument.version,
      ticket: ticket !== undefined && TicketCode.safeParse(ticket).success ? ticket.trim().toUpperCase() : '',
    },
    errors: [],
  };
};

/** What a posted form comes to. */
export type FormOutcome =
  | { kind: 'thanks'; unit: Unit; stored: boolean; honeypot: boolean }
  | ({ kind: 'invalid'; status: 409 | 422 } & SurveyForm);

const issuesToErrors = (error: z.core.$ZodError): DomainFieldError[] =>
  error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message }));

/**
 * Handles a posted survey form: a filled honeypot is thanked and nothing is stored; invalid answers come back as
 * the form with field errors and the answers kept (nothing stored); valid ones are stored once per response id.
 * @throws InvalidError (field `unitCode`) for a unit that does not exist or is archived
 */
export const submitSurveyForm = async (
  client: Documents,
  table: string,
  unitCode: string,
  fields: SurveyFormFields,
  now: Date,
  options: RecordOptions = {},
): Promise<FormOutcome> => {
  const target = await loadSurveyTarget(client, table, unitCode, now);
  if (!target) throw unknownUnit(unitCode);
  if (first(fields[HONEYPOT_FIELD]).trim() !== '') {
    return { kind: 'thanks', unit: target.unit, stored: false, honeypot: true };
  }
  // The version the form was made from decides the questions; an unknown one is refused by the schema below.
  const instrument = instrumentOf(first(fields.instrumentVersion)) ?? DEFAULT_INSTRUMENT;
  const values = formValuesOf(fields, instrument);
  const parsed = SurveyResponseInput.safeParse(inputFromForm(values));
  const errors = parsed.success ? unitErrors(target.unit, parsed.data) : issuesToErrors(parsed.error);
  if (!parsed.success || errors.length > 0) {
    // A form without a usable id (tampered with) gets a fresh one, so the corrected form can be sent.
    const responseId = z.ulid().safeParse(values.responseId).success ? values.responseId : ulid(now.getTime());
    return { kind: 'invalid', status: 422, unit: target.unit, instrument, values: { ...values, responseId }, errors };
  }
  try {
    const receipt = await storeSurveyResponse(client, table, target, parsed.data, now, options);
    return { kind: 'thanks', unit: target.unit, stored: receipt.stored, honeypot: false };
  } catch (error) {
    if (error instanceof InvalidError && error.errors) {
      return { kind: 'invalid', status: 422, unit: target.unit, instrument, values, errors: error.errors };
    }
    // A used ticket: the form again with the answers kept, to send without the code.
    if (error instanceof ConflictError) {
      return {
        kind: 'invalid',
        status: 409,
        unit: target.unit,
        instrument,
        values,
        errors: [
          { field: 'ticket', message: `${error.message}. Kosongkan kode tiket untuk tetap mengirim penilaian.` },
        ],
      };
    }
    throw error;
  }
};
