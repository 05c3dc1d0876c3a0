import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ulid } from 'ulid';
import { unitKeys } from '#shared/db/keys';
import { demoUnits } from '#shared/directory/demo-seed';
import { DEFAULT_INSTRUMENT } from '#shared/surveys/instrument';
import { RESPONDENT_OPTIONS } from '#shared/surveys/schemas';

/** The unit the survey benchmarks rate: a seeded kelurahan (a busy front office), with its services as stored. */
export interface SurveyUnit {
  code: string;
  services: string[];
}

export const surveyUnit = async (client: DynamoDBClient, table: string): Promise<SurveyUnit> => {
  const [unit] = await surveyUnits(client, table, 1);
  if (!unit) throw new Error('no active seeded kelurahan or puskesmas to rate: was the demo data seeded?');
  return unit;
};

/** The first `count` active seeded kelurahan and puskesmas, in the demo seed's order (fewer when there are fewer). */
export const surveyUnits = async (client: DynamoDBClient, table: string, count: number): Promise<SurveyUnit[]> => {
  const units: SurveyUnit[] = [];
  const candidates = demoUnits.filter((u) => u.type === 'kelurahan' || u.type === 'puskesmas');
  for (const unit of candidates) {
    if (units.length >= count) break;
    const { PK, SK } = unitKeys(unit.code, '', '');
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { PK: { S: PK }, SK: { S: SK } }, ConsistentRead: true }),
    );
    if (!Item) continue;
    const stored = unmarshall(Item) as { status?: string; services?: unknown };
    if (stored.status !== 'active') continue;
    const services = stored.services instanceof Set ? [...stored.services] : (stored.services ?? []);
    units.push({ code: unit.code, services: (services as unknown[]).map(String) });
  }
  return units;
};

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)]!;

/**
 * A response as a citizen's phone sends it to `POST /surveys/{unitCode}/responses`: a fresh ULID, a score for every
 * element of the default instrument, one of the unit's services, most respondent fields, now and then a suggestion.
 */
export const surveyResponseBody = (unit: SurveyUnit, random: () => number = Math.random) => {
  const respondent = Object.fromEntries(
    Object.entries(RESPONDENT_OPTIONS)
      .filter(() => random() < 0.8)
      .map(([field, { options }]) => [field, pick(Object.keys(options), random)]),
  );
  return {
    responseId: ulid(),
    answers: Object.fromEntries(DEFAULT_INSTRUMENT.elements.map((e) => [e.key, 1 + Math.floor(random() * 4)])),
    ...(unit.services.length > 0 ? { service: pick(unit.services, random) } : {}),
    ...(Object.keys(respondent).length > 0 ? { respondent } : {}),
    ...(random() < 0.2 ? { suggestion: 'Antrean di loket pagi hari terlalu panjang; mohon tambah petugas.' } : {}),
  };
};
