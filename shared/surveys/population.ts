import { surveyPopulationKeys, unitKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { transact } from '#shared/db/transact';
import { type Documents, primaryKey } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';
import type { PeriodKey } from './periods.ts';
import { minimumSample } from './sample.ts';

/**
 * Records the population a unit served in a WIB period (the N of the minimum sample), replacing an earlier figure.
 * Written with a check that the unit exists, in one transaction.
 * @throws NotFoundError for an unknown unit
 */
export const setSurveyPopulation = async (
  client: Documents,
  table: string,
  unitCode: string,
  period: PeriodKey,
  population: number,
  now: Date,
): Promise<{ unitCode: string; period: string; population: number; minimumSample: number }> => {
  await transact(client, [
    {
      label: `unit ${unitCode}`,
      conditionCheck: {
        TableName: table,
        Key: primaryKey(unitKeys(unitCode, '', '')),
        ConditionExpression: 'attribute_exists(PK)',
      },
      onConditionFailed: () => new NotFoundError(`Unit ${unitCode} tidak ditemukan`),
    },
    {
      label: 'survey-population',
      put: {
        TableName: table,
        Item: {
          ...surveyPopulationKeys(unitCode, period),
          ...migrations.stamp('survey-population', { unitCode, period, population, updatedAt: now.toISOString() }),
        },
      },
    },
  ]);
  return { unitCode, period, population, minimumSample: minimumSample(population) };
};
