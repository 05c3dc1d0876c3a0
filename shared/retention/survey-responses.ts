import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchDeleteItems, queryAll } from '#shared/db/batch';
import { retentionProgressKeys, surveyResponsesPartition } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { isConditionFailure } from '#shared/db/transact';
import { allUnits } from '#shared/directory/units';
import { addMonths, type MonthKey, monthRange, wibMonthOf } from '#shared/surveys/periods';
import { DAY_MS } from '#shared/time';
import type { RetentionStore } from './submissions.ts';

/**
 * Raw survey responses past their retention, a whole WIB month at a time: a month's responses go once the last of
 * them is `days` old, so an export never shows part of a month. Each month is one Query per unit on the raw-export
 * index (GSI1 `SURVEY_RESPONSES#<unit>#<month>`); a response is one item, its index entries go with it. The month
 * item, its aggregate shards and the roll-ups are not touched: reports and the IKM keep their figures.
 *
 * The job walks the months in order and records the last one done (`through`), so a run reads only months newly due.
 * The first run starts after the month before the oldest unit's creation (a response needs its unit) or at the
 * cutoff, whichever is earlier.
 */

const PROGRESS = 'survey-responses';

export interface SurveyExpiry {
  /** The last WIB month whose responses are deleted, for every unit. */
  through: MonthKey;
  /** The months this run deleted. */
  months: MonthKey[];
  /** Responses deleted. */
  deleted: number;
  /** The run stopped for time with months still due. */
  more: boolean;
}

/** Records `month` as done, never moving back (two runs at once both finish a month). */
const recordThrough = async (store: RetentionStore, month: MonthKey, now: Date): Promise<void> => {
  const item = migrations.stamp('retention-progress', { name: PROGRESS, through: month, updatedAt: now.toISOString() });
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: retentionProgressKeys(PROGRESS),
        UpdateExpression: 'SET #name = :name, #through = :through, #at = :at, #entity = :entity, #v = :v',
        ConditionExpression: 'attribute_not_exists(#through) OR #through < :through',
        ExpressionAttributeNames: {
          '#name': 'name',
          '#through': 'through',
          '#at': 'updatedAt',
          '#entity': 'entity',
          '#v': '_v',
        },
        ExpressionAttributeValues: {
          ':name': item.name,
          ':through': item.through,
          ':at': item.updatedAt,
          ':entity': item.entity,
          ':v': item._v,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
};

/** Deletes the responses of every month that ended more than `days` before `now` and is not done yet. */
export const expireSurveyResponses = async (
  store: RetentionStore,
  days: number,
  now: Date,
  hasTime: () => boolean,
): Promise<SurveyExpiry> => {
  // The month before the one holding `now - days` ended at least `days` ago; so did every month before it.
  const cutoff = addMonths(wibMonthOf(new Date(now.getTime() - days * DAY_MS)), -1);
  const [{ Item: progress }, units] = await Promise.all([
    store.db.send(
      new GetCommand({ TableName: store.table, Key: retentionProgressKeys(PROGRESS), ConsistentRead: true }),
    ),
    allUnits(store.db, store.table),
  ]);
  // Before the first run's start nothing can be due: no response is older than its unit.
  const beforeUnits = units.map((unit) => addMonths(wibMonthOf(new Date(unit.createdAt)), -1));
  const start = (progress?.through as MonthKey | undefined) ?? [cutoff, ...beforeUnits].sort()[0]!;
  const result: SurveyExpiry = { through: start, months: [], deleted: 0, more: false };
  for (const month of monthRange(addMonths(start, 1), cutoff)) {
    for (const unit of units) {
      // A month cut short is done again whole by the next run: what went is gone, the rest is found.
      if (!hasTime()) return { ...result, more: true };
      const responses = await queryAll(store.db, {
        TableName: store.table,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :p',
        ExpressionAttributeValues: { ':p': surveyResponsesPartition(unit.code, month) },
        ProjectionExpression: 'PK, SK',
      });
      result.deleted += await batchDeleteItems(store.db, store.table, responses);
    }
    await recordThrough(store, month, now);
    result.months.push(month);
    result.through = month;
  }
  if (!progress) await recordThrough(store, result.through, now);
  return result;
};
