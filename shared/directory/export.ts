import { GetCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { allStaffPartition, personNipKeys } from '#shared/db/keys';
import { nipHash } from '#shared/nip-hash';
import * as z from '#shared/zod';
import { getPerson, maskNip, personView } from './people.ts';
import { Nip, Person } from './schemas.ts';
import type { Documents } from './units.ts';

/**
 * A person's data, found by NIP (a subject access request, UU 27/2022 on personal data protection): the directory's
 * person (found through the NIP's HMAC, `PERSON_NIP#<hmac>`), their staff account (by the person's email), and the
 * training registrations of the NIP with their submissions (registrations keep the NIP's HMAC; the submission holds
 * the NIP as typed). Submissions of other forms whose free fields hold a NIP are not indexed by NIP and not found.
 */

export const PersonExportInput = z.strictObject({ nip: Nip }).check(z.meta({ id: 'PersonExportInput' }));

const Registration = z.object({
  submissionId: z.string(),
  trainingId: z.string(),
  batch: z.number(),
  status: z.string(),
  officeCode: z.string(),
  nipMasked: z.string(),
  name: z.string(),
  email: z.string(),
  seatNo: z.optional(z.number()),
  attendance: z.record(z.string(), z.boolean()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const Submission = z.object({
  id: z.string(),
  formId: z.string(),
  formTitle: z.optional(z.string()),
  officeCode: z.string(),
  status: z.string(),
  values: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const StaffAccount = z.object({
  sub: z.string(),
  name: z.string(),
  email: z.string(),
  officeCode: z.string(),
  status: z.string(),
  groups: z.array(z.string()),
});

export const PersonExport = z
  .object({
    nipMasked: z.string(),
    exportedAt: z.string(),
    person: z.optional(Person),
    staff: z.array(StaffAccount),
    registrations: z.array(Registration),
    submissions: z.array(Submission),
  })
  .check(z.meta({ id: 'PersonExport' }));
export type PersonExport = z.output<typeof PersonExport>;

const queryAll = async (client: Documents, input: QueryCommand['input']) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const pick = <T extends z.ZodMiniObject>(schema: T, item: Record<string, unknown>): z.output<T> =>
  schema.parse(Object.fromEntries(Object.keys(schema.shape).map((key) => [key, item[key]])));

/** Everything the system keeps about the holder of `nip`, or undefined when nothing is found. */
export const exportPersonByNip = async (
  client: Documents,
  table: string,
  key: string,
  nip: string,
  now: Date,
): Promise<PersonExport | undefined> => {
  const hash = nipHash(key, nip);
  const claim = await client.send(new GetCommand({ TableName: table, Key: personNipKeys(hash), ConsistentRead: true }));
  const person = claim.Item ? await getPerson(client, table, String(claim.Item.personId)) : undefined;

  const email = person?.email.toLowerCase();
  const staff = email
    ? (
        await queryAll(client, {
          TableName: table,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :all',
          ExpressionAttributeValues: { ':all': allStaffPartition() },
        })
      )
        .filter((item) => String(item.email ?? '').toLowerCase() === email)
        .map((item) => pick(StaffAccount, { ...item, groups: item.groups ?? [] }))
    : [];

  // Registrations of every training (rejected, withdrawn and cancelled ones too: their uniqueness item is gone, the
  // registration keeps the HMAC).
  const trainings = await queryAll(client, {
    TableName: table,
    IndexName: 'GSI1',
    KeyConditionExpression: 'GSI1PK = :all',
    ExpressionAttributeValues: { ':all': 'TRAININGS' },
    ProjectionExpression: 'id',
  });
  const registrations: z.output<typeof Registration>[] = [];
  for (const training of trainings) {
    const found = await queryAll(client, {
      TableName: table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :training',
      FilterExpression: 'nipHash = :hash',
      ExpressionAttributeValues: { ':training': `TRAINING_REGISTRATIONS#${String(training.id)}`, ':hash': hash },
    });
    registrations.push(...found.map((item) => pick(Registration, item)));
  }
  const submissions: z.output<typeof Submission>[] = [];
  for (const registration of registrations) {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: { PK: `SUBMISSION#${registration.submissionId}`, SK: 'SUBMISSION' } }),
    );
    if (Item) submissions.push(pick(Submission, Item));
  }
  if (!person && registrations.length === 0) return undefined;
  return {
    nipMasked: maskNip(nip),
    exportedAt: now.toISOString(),
    ...(person ? { person: personView(person, true) } : {}),
    staff,
    registrations,
    submissions,
  };
};
