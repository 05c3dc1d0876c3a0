import { migrations } from '#shared/db/migrations';
import type { TransactUpdate } from '#shared/db/transact';
import type { ElementTally } from './ikm.ts';
import type { Instrument } from './instrument.ts';
import { RESPONDENT_FIELDS, type RespondentField } from './response-schemas.ts';

/**
 * The survey aggregate: integer counters per unit, WIB month and instrument version, split over a few shards so
 * that concurrent responses seldom touch the same item (a transaction conflicts with any other on the same item).
 * Each response adds to one shard, chosen at random, in the transaction that creates the response; a report sums
 * the shards. Counters are flat top-level attributes because `ADD` cannot create a nested map path on a new item:
 *
 * - `n`: responses;
 * - `sum#<element>`: sum of the element's scores;
 * - `score#<element>#<score>`: answers with that score (the distribution; their count is the element's answers);
 * - `service#<jenis layanan>`: responses per service received;
 * - `respondent#<field>#<value>`: respondents per optional answer (age band, gender, education, occupation);
 * - `suggestions`: responses with a suggestion;
 * - `verified`: responses sent with a printed single-use ticket;
 * - `busy`: responses from a client address that had sent more than {@link BUSY_CLIENT_PER_DAY} that WIB day (an
 *   anomaly flag: one phone or script answering for many; an office's shared address too, hence a flag, not a
 *   refusal).
 */

/** More responses than this from one client address in a WIB day mark the next ones as from a busy client. */
export const BUSY_CLIENT_PER_DAY = 20;

/** Aggregate shards of a new month unless a unit's month says otherwise. */
export const DEFAULT_SHARDS = 4;

const N = 'n';
const SUGGESTIONS = 'suggestions';
const VERIFIED = 'verified';
const BUSY = 'busy';
const sumAttribute = (element: string) => `sum#${element}`;
const scoreAttribute = (element: string, score: number) => `score#${element}#${score}`;
const serviceAttribute = (service: string) => `service#${service}`;
const respondentAttribute = (field: string, value: string) => `respondent#${field}#${value}`;

/** The instrument versions recorded on a month item (a string set, read back as a Set). */
export const versionsOf = (value: unknown): string[] =>
  value instanceof Set ? [...value].map(String) : Array.isArray(value) ? value.map(String) : [];

/** Counters of one element: answers, sum of scores, answers per score (index 0 is score 1). */
export interface ElementCounters extends ElementTally {
  distribution: number[];
}

/** An aggregate read back, or the sum of several. */
export interface Aggregate {
  responses: number;
  elements: Record<string, ElementCounters>;
  services: Record<string, number>;
  respondents: Record<RespondentField, Record<string, number>>;
  suggestions: number;
  verified: number;
  busy: number;
}

/** What one response adds. */
export interface ResponseCounts {
  answers: Readonly<Record<string, number>>;
  service?: string;
  respondent?: Partial<Record<RespondentField, string>>;
  hasSuggestion: boolean;
  /** Sent with a printed ticket. @default false */
  verified?: boolean;
  /** Sent by a client address over {@link BUSY_CLIENT_PER_DAY} responses today. @default false */
  fromBusyClient?: boolean;
}

/** An aggregate of no responses. */
export const emptyAggregate = (instrument: Instrument): Aggregate => ({
  responses: 0,
  elements: Object.fromEntries(
    instrument.elements.map((e) => [
      e.key,
      { count: 0, sum: 0, distribution: Array.from({ length: instrument.maxScore }, () => 0) },
    ]),
  ),
  services: {},
  respondents: Object.fromEntries(RESPONDENT_FIELDS.map((f) => [f, {}])) as Aggregate['respondents'],
  suggestions: 0,
  verified: 0,
  busy: 0,
});

const numberOf = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

/** An aggregate from a stored shard (undefined: a shard nobody wrote yet). */
export const aggregateFromItem = (instrument: Instrument, item: Record<string, unknown> | undefined): Aggregate => {
  const aggregate = emptyAggregate(instrument);
  if (!item) return aggregate;
  aggregate.responses = numberOf(item[N]);
  aggregate.suggestions = numberOf(item[SUGGESTIONS]);
  aggregate.verified = numberOf(item[VERIFIED]);
  aggregate.busy = numberOf(item[BUSY]);
  for (const element of instrument.elements) {
    const counters = aggregate.elements[element.key]!;
    counters.sum = numberOf(item[sumAttribute(element.key)]);
    counters.distribution = counters.distribution.map((_, i) => numberOf(item[scoreAttribute(element.key, i + 1)]));
    counters.count = counters.distribution.reduce((a, b) => a + b, 0);
  }
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith('service#')) aggregate.services[name.slice('service#'.length)] = numberOf(value);
    if (name.startsWith('respondent#')) {
      const [, field, ...rest] = name.split('#');
      const counts = aggregate.respondents[field as RespondentField];
      if (counts) counts[rest.join('#')] = numberOf(value);
    }
  }
  return aggregate;
};

/**
 * The counters of an aggregate as flat attributes, named as on a shard (so {@link aggregateFromItem} reads them back);
 * zero counters are left out, as a shard never writes them.
 */
export const aggregateAttributes = (aggregate: Aggregate): Record<string, number> => {
  const attributes: Record<string, number> = { [N]: aggregate.responses };
  const put = (name: string, value: number) => {
    if (value !== 0) attributes[name] = value;
  };
  for (const [element, counters] of Object.entries(aggregate.elements)) {
    put(sumAttribute(element), counters.sum);
    for (const [i, count] of counters.distribution.entries()) put(scoreAttribute(element, i + 1), count);
  }
  for (const [service, count] of Object.entries(aggregate.services)) put(serviceAttribute(service), count);
  for (const [field, counts] of Object.entries(aggregate.respondents)) {
    for (const [value, count] of Object.entries(counts)) put(respondentAttribute(field, value), count);
  }
  put(SUGGESTIONS, aggregate.suggestions);
  put(VERIFIED, aggregate.verified);
  put(BUSY, aggregate.busy);
  return attributes;
};

const addCounts = (a: Record<string, number>, b: Record<string, number>): Record<string, number> => {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
};

/** The sum of two aggregates of the same instrument. */
export const addAggregates = (a: Aggregate, b: Aggregate): Aggregate => ({
  responses: a.responses + b.responses,
  elements: Object.fromEntries(
    Object.entries(a.elements).map(([key, x]) => {
      const y = b.elements[key];
      return [
        key,
        y
          ? {
              count: x.count + y.count,
              sum: x.sum + y.sum,
              distribution: x.distribution.map((v, i) => v + (y.distribution[i] ?? 0)),
            }
          : x,
      ];
    }),
  ),
  services: addCounts(a.services, b.services),
  respondents: Object.fromEntries(
    RESPONDENT_FIELDS.map((f) => [f, addCounts(a.respondents[f], b.respondents[f])]),
  ) as Aggregate['respondents'],
  suggestions: a.suggestions + b.suggestions,
  verified: a.verified + b.verified,
  busy: a.busy + b.busy,
});

/**
 * The UpdateItem adding one response to a shard: `ADD` on every counter it changes (creating the item and the
 * counters on first use), and the shard's identity set once. No condition: any number of these commute.
 */
export const aggregateUpdate = (
  table: string,
  key: { PK: string; SK: string },
  identity: { unitCode: string; month: string; instrumentVersion: string; shard: number },
  counts: ResponseCounts,
): TransactUpdate => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':one': 1 };
  const adds: string[] = [];
  const add = (attribute: string, value: number) => {
    const i = adds.length;
    names[`#a${i}`] = attribute;
    if (value === 1) adds.push(`#a${i} :one`);
    else {
      values[`:a${i}`] = value;
      adds.push(`#a${i} :a${i}`);
    }
  };
  add(N, 1);
  for (const [element, score] of Object.entries(counts.answers)) {
    add(sumAttribute(element), score);
    add(scoreAttribute(element, score), 1);
  }
  if (counts.service !== undefined) add(serviceAttribute(counts.service), 1);
  for (const [field, value] of Object.entries(counts.respondent ?? {})) {
    if (value !== undefined) add(respondentAttribute(field, value), 1);
  }
  if (counts.hasSuggestion) add(SUGGESTIONS, 1);
  if (counts.verified) add(VERIFIED, 1);
  if (counts.fromBusyClient) add(BUSY, 1);

  const sets = Object.entries(migrations.stamp('survey-aggregate', identity)).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = if_not_exists(#s${i}, :s${i})`;
  });
  return {
    TableName: table,
    Key: key,
    UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
};
