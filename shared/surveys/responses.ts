import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { batchGetItems } from '#shared/db/batch';
import { surveyAggregateKeys, surveyMonthKeys, surveyResponseKeys, unitKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { transact } from '#shared/db/transact';
import type { Unit } from '#shared/directory/schemas';
import { type Documents, primaryKey, unitFromItem } from '#shared/directory/units';
import { type DomainFieldError, InvalidError } from '#shared/errors';
import { aggregateUpdate, BUSY_CLIENT_PER_DAY, DEFAULT_SHARDS, versionsOf } from './aggregates.ts';
import { instrumentOf } from './instrument.ts';
import { type MonthKey, wibMonthOf } from './periods.ts';
import type { SurveyResponseInput, SurveyResponseReceipt } from './schemas.ts';
import { checkTicket, consumeTicket, normalizeTicketCode } from './tickets.ts';

/**
 * Storing survey responses. One response is one transaction of two items:
 * - the response, created with `attribute_not_exists` under the response id issued with the form, so a double tap
 *   or a resend is stored once (and answered like the first);
 * - an `ADD` to one shard of the unit's aggregate for the WIB month and instrument version, so reports read a few
 *   counters instead of the responses.
 * The number of shards of a unit's month is fixed by its first response and recorded on the month item, which is
 * written outside the transaction (and only when it lacks something): were it in every transaction, all of a unit's
 * concurrent responses would conflict on it.
 */

/** Attempts of the response transaction. Higher than the helper's default: a response is small, commutes with
 * every other, and a citizen should not see an error page because a busy unit's shards were contended. */
const RESPONSE_TRANSACTION_ATTEMPTS = 12;

/** Where a response goes: the unit it rates and that unit's month as stored so far. */
export interface SurveyTarget {
  unitCode: string;
  unit: Unit;
  month: MonthKey;
  /** The month item: its shard count and the instrument versions answered; undefined before the first response. */
  monthItem?: { shards: number; versions: string[] };
}

/** What tests may replace. */
export interface RecordOptions {
  /** Picks the shard. @default Math.random */
  random?: () => number;
  /** The sending client's survey submissions today (from the rate limiter), for the busy-client flag. */
  clientRequestsToday?: number;
}

/** A unit that cannot take responses, as a field error on the path's unit code. */
export const unknownUnit = (unitCode: string) =>
  new InvalidError(`Unit ${unitCode} tidak ditemukan atau tidak lagi menerima survei`, {
    errors: [{ field: 'unitCode', message: `Unit ${unitCode} tidak ditemukan atau tidak lagi menerima survei` }],
  });

/**
 * The unit and its month, in one BatchGetItem. Undefined when the unit does not exist or is archived (archived
 * units take no new responses).
 */
export const loadSurveyTarget = async (
  client: Documents,
  table: string,
  unitCode: string,
  now: Date,
): Promise<SurveyTarget | undefined> => {
  const month = wibMonthOf(now);
  const unitKey = primaryKey(unitKeys(unitCode, '', ''));
  const monthKey = surveyMonthKeys(unitCode, month);
  // Eventually consistent is enough: a month item read as missing is only written again, idempotently.
  const items = await batchGetItems(client, table, [unitKey, monthKey], { consistent: false });
  const unitItem = items.get(unitKey);
  if (!unitItem) return undefined;
  const unit = unitFromItem(unitItem);
  if (unit.status !== 'active') return undefined;
  const monthItem = items.get(monthKey);
  return {
    unitCode: unit.code,
    unit,
    month,
    ...(monthItem ? { monthItem: { shards: Number(monthItem.shards), versions: versionsOf(monthItem.versions) } } : {}),
  };
};

/**
 * Field errors of a valid-looking response against its unit: the service received must be one the unit lists
 * (and is required when it lists any).
 */
export const unitErrors = (unit: Unit, input: Pick<SurveyResponseInput, 'service'>): DomainFieldError[] => {
  const service = input.service;
  if (unit.services.length > 0 && service === undefined) {
    return [{ field: 'service', message: 'Pilih jenis layanan yang Anda terima' }];
  }
  if (service !== undefined && !unit.services.includes(service)) {
    return [
      {
        field: 'service',
        message:
          unit.services.length > 0
            ? `Jenis layanan harus salah satu dari: ${unit.services.join(', ')}`
            : 'Unit ini tidak mencantumkan jenis layanan; kosongkan isian ini',
      },
    ];
  }
  return [];
};

/**
 * What a warm function knows without reading, per sandbox: unit months it has seen recorded with an instrument
 * version, and their shard count (both fixed once written: the month item only ever gains versions); and units it
 * read lately. A unit is trusted for {@link UNIT_CACHE_MS}: an archive or a change of services reaches a warm
 * function within a minute. Checking the unit inside the response transaction instead would be exact, but would put
 * the unit item in every response's transaction, and concurrent responses to a unit would then conflict on it (what
 * the aggregate shards are there to avoid).
 */
const monthsSeen = new Map<string, number>();
const monthSeenKey = (unitCode: string, month: MonthKey, instrumentVersion: string) =>
  `${unitCode}\n${month}\n${instrumentVersion}`;
export const UNIT_CACHE_MS = 60_000;
const unitsSeen = new Map<string, { unit: Unit; until: number }>();

/**
 * The month's shard count, recording the month (and this instrument version) when the month item lacks them. One
 * UpdateItem, race-free without a condition: `if_not_exists` keeps the first writer's shard count and `ADD` to a
 * string set is idempotent; it answers the stored count.
 */
const ensureMonth = async (
  client: Documents,
  table: string,
  target: SurveyTarget,
  instrumentVersion: string,
  now: Date,
): Promise<number> => {
  const seen = monthsSeen.get(monthSeenKey(target.unitCode, target.month, instrumentVersion));
  if (seen) return seen;
  const known = target.monthItem;
  if (known?.versions.includes(instrumentVersion) && known.shards > 0) {
    monthsSeen.set(monthSeenKey(target.unitCode, target.month, instrumentVersion), known.shards);
    return known.shards;
  }
  const stamped = migrations.stamp('survey-month', { unitCode: target.unitCode, month: target.month });
  const { Attributes } = await client.send(
    new UpdateCommand({
      TableName: table,
      Key: surveyMonthKeys(target.unitCode, target.month),
      UpdateExpression:
        'SET #shards = if_not_exists(#shards, :shards), #entity = :entity, #v = :v, #unit = :unit, #month = :month, ' +
        '#created = if_not_exists(#created, :now) ADD #versions :version',
      ExpressionAttributeNames: {
        '#shards': 'shards',
        '#entity': 'entity',
        '#v': '_v',
        '#unit': 'unitCode',
        '#month': 'month',
        '#created': 'createdAt',
        '#versions': 'versions',
      },
      ExpressionAttributeValues: {
        ':shards': DEFAULT_SHARDS,
        ':entity': stamped.entity,
        ':v': stamped._v,
        ':unit': stamped.unitCode,
        ':month': stamped.month,
        ':now': now.toISOString(),
        ':version': new Set([instrumentVersion]),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const shards = Number(Attributes?.shards ?? DEFAULT_SHARDS);
  monthsSeen.set(monthSeenKey(target.unitCode, target.month, instrumentVersion), shards);
  return shards;
};

/** The response id was stored before: a resend. */
class AlreadyStored extends Error {
  override name = 'AlreadyStored';
  constructor(readonly month: string | undefined) {
    super('survey response stored before');
  }
}

/**
 * Stores a validated response for a loaded target: the response item, the ticket it came with (consumed: a
 * condition that it is the unit's and unused) and an `ADD` to one random shard of the month's aggregate, in one
 * transaction. A response id stored before is not stored again (`stored: false`).
 * @throws InvalidError when the service received is not one of the unit's, or the ticket is unknown (no counter
 *   changes); ConflictError when the ticket was used by another response (nothing changes)
 */
export const storeSurveyResponse = async (
  client: Documents,
  table: string,
  target: SurveyTarget,
  input: SurveyResponseInput,
  now: Date,
  options: RecordOptions = {},
): Promise<SurveyResponseReceipt> => {
  const errors = unitErrors(target.unit, input);
  if (errors.length) throw new InvalidError(errors.map((e) => e.message).join('; '), { errors });
  const instrument = instrumentOf(input.instrumentVersion);
  if (!instrument) {
    const message = 'Versi instrumen survei tidak dikenal';
    throw new InvalidError(message, { errors: [{ field: 'instrumentVersion', message }] });
  }

  const responseId = input.responseId ?? ulid(now.getTime());
  const { unitCode, month } = target;
  const suggestion = input.suggestion ? input.suggestion : undefined;
  const respondent = Object.fromEntries(Object.entries(input.respondent ?? {}).filter(([, v]) => v !== undefined));
  const ticket = input.ticket === undefined ? undefined : normalizeTicketCode(input.ticket);
  if (ticket !== undefined) await checkTicket(client, table, ticket, unitCode, responseId);
  const shards = await ensureMonth(client, table, target, instrument.version, now);
  const shard = Math.min(shards - 1, Math.floor((options.random ?? Math.random)() * shards));

  const receipt = { responseId, unitCode, month, instrumentVersion: instrument.version };
  try {
    await transact(
      client,
      [
        {
          label: 'survey-response',
          put: {
            TableName: table,
            Item: {
              ...surveyResponseKeys(responseId, unitCode, month, suggestion !== undefined),
              ...migrations.stamp('survey-response', {
                id: responseId,
                unitCode,
                month,
                instrumentVersion: instrument.version,
                answers: Object.fromEntries(instrument.elements.map((e) => [e.key, input.answers[e.key]!])),
                ...(input.service !== undefined ? { service: input.service } : {}),
                ...(Object.keys(respondent).length ? { respondent } : {}),
                ...(suggestion !== undefined ? { suggestion } : {}),
                ...(ticket !== undefined ? { verified: true } : {}),
                shard,
                receivedAt: now.toISOString(),
              }),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
          onConditionFailed: ({ existing }) => new AlreadyStored(existing?.month as string | undefined),
        },
        ...(ticket !== undefined ? [consumeTicket(table, ticket, unitCode, responseId, now)] : []),
        {
          label: 'survey-aggregate',
          update: aggregateUpdate(
            table,
            surveyAggregateKeys(unitCode, month, instrument.version, shard),
            { unitCode, month, instrumentVersion: instrument.version, shard },
            {
              answers: input.answers,
              service: input.service,
              respondent,
              hasSuggestion: suggestion !== undefined,
              verified: ticket !== undefined,
              fromBusyClient: (options.clientRequestsToday ?? 0) > BUSY_CLIENT_PER_DAY,
            },
          ),
        },
      ],
      { maxAttempts: RESPONSE_TRANSACTION_ATTEMPTS },
    );
    return { ...receipt, stored: true };
  } catch (error) {
    if (error instanceof AlreadyStored) return { ...receipt, month: error.month ?? month, stored: false };
    throw error;
  }
};

/**
 * Records a response to a unit's survey (the JSON API): loads the unit and month, checks the response against the
 * unit, stores it once. A warm function that read the unit within the last minute and has seen the unit's month
 * stores without reading.
 * @throws InvalidError (field `unitCode`) for a unit that does not exist or is archived, and for a service the unit
 *   does not list; nothing is counted
 */
export const recordSurveyResponse = async (
  client: Documents,
  table: string,
  unitCode: string,
  input: SurveyResponseInput,
  now: Date,
  options: RecordOptions = {},
): Promise<SurveyResponseReceipt> => {
  const month = wibMonthOf(now);
  const version = instrumentOf(input.instrumentVersion)?.version;
  const known = unitsSeen.get(unitCode);
  if (known && known.until > now.getTime() && version && monthsSeen.has(monthSeenKey(unitCode, month, version))) {
    return storeSurveyResponse(client, table, { unitCode, unit: known.unit, month }, input, now, options);
  }
  const target = await loadSurveyTarget(client, table, unitCode, now);
  if (!target) {
    unitsSeen.delete(unitCode);
    throw unknownUnit(unitCode);
  }
  unitsSeen.set(unitCode, { unit: target.unit, until: now.getTime() + UNIT_CACHE_MS });
  return storeSurveyResponse(client, table, target, input, now, options);
};
