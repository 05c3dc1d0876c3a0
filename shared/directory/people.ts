import { GetCommand, type PutCommandInput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { batchGetAll } from '#shared/db/batch';
import {
  allPeoplePartition,
  personActsPartition,
  personEmailKeys,
  personHoldsPartition,
  personKeys,
  personNipKeys,
  unitPeoplePartition,
} from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { nipHash } from '#shared/nip-hash';
import { decodeCursor, encodeCursor } from './paging.ts';
import { type Person, type PersonInput, type PersonPatch, StoredPerson } from './schemas.ts';
import { type Documents, getUnit, queryAll } from './units.ts';

/**
 * People of the directory. The email is a natural key (the CSV import matches on it): a uniqueness item per
 * lower-cased address is written in the same transaction as the person. Phone numbers are personal data: never
 * logged (the logger redacts them), masked in listings. A NIP is never stored: the person keeps its HMAC and a
 * masked form, and a uniqueness item keyed by the HMAC makes one NIP belong to one person (and finds them by NIP).
 */

/** The NIP HMAC key, asked for only when a NIP is to be stored (`nipHmacKey` in the functions). */
export type NipKey = () => Promise<string>;

/** What the directory keeps of a NIP. */
export interface ProtectedNip {
  nipHash: string;
  nipMasked: string;
}

/** A NIP with its middle hidden: the birth year and the sequence number stay, `1985***********002`. */
export const maskNip = (nip: string): string => `${nip.slice(0, 4)}${'*'.repeat(11)}${nip.slice(-3)}`;

/** The HMAC and the masked form of a NIP, under the key. */
export const protectNip = (key: string, nip: string): ProtectedNip => ({
  nipHash: nipHash(key, nip),
  nipMasked: maskNip(nip),
});

const keyFor = async (nipKey: NipKey | undefined): Promise<string> => {
  if (!nipKey) throw new Error('a NIP was given but this function has no NIP HMAC key');
  return nipKey();
};

/** A phone number with its middle hidden: `081234567789` -> `0812****789`; short numbers keep only the last 2. */
export const maskPhone = (phone: string): string =>
  phone.length >= 9 ? `${phone.slice(0, 4)}****${phone.slice(-3)}` : `****${phone.slice(-2)}`;

/** The person as answered: the phone masked, and in full only when `fullPhone` (an admin reading one person). */
export const personView = (person: StoredPerson, fullPhone = false): Person => {
  const { phone, nipHash: _hash, ...rest } = person;
  return { ...rest, ...(phone ? { phoneMasked: maskPhone(phone), ...(fullPhone ? { phone } : {}) } : {}) };
};

/** A person from their stored item. */
export const personFromItem = (item: Record<string, unknown>): StoredPerson =>
  StoredPerson.parse(migrations.upgrade(item));

/** The Put of a person item (every attribute: a Put replaces the item, so index keys follow the name and unit). */
export const personPut = (table: string, person: StoredPerson): PutCommandInput => ({
  TableName: table,
  Item: migrations.stamp('person', {
    ...personKeys(person.id, person.name, person.unitCode),
    // Absent optional fields are left out, whatever the client's marshalling options.
    ...Object.fromEntries(Object.entries(person).filter(([, value]) => value !== undefined)),
  }),
});

/** The Put claiming an email for a person; fails when another person has it. */
export const emailClaim = (table: string, email: string, personId: string): TransactionItem => ({
  label: `email ${email}`,
  put: {
    TableName: table,
    Item: migrations.stamp('person-email', { ...personEmailKeys(email), personId }),
    ConditionExpression: 'attribute_not_exists(PK)',
  },
  onConditionFailed: () => new ConflictError(`Email ${email} sudah dipakai oleh orang lain di direktori`),
});

/** The Put claiming a NIP (by its HMAC) for a person; fails when another person has it. */
export const nipClaim = (table: string, hash: string, personId: string): TransactionItem => ({
  label: 'nip',
  put: {
    TableName: table,
    Item: migrations.stamp('person-nip', { ...personNipKeys(hash), personId }),
    ConditionExpression: 'attribute_not_exists(PK)',
  },
  onConditionFailed: () => new ConflictError('NIP ini sudah terdaftar untuk orang lain di direktori'),
});

/** Reads one person. */
export const getPerson = async (
  client: Documents,
  table: string,
  id: string,
  consistent = true,
): Promise<StoredPerson | undefined> => {
  const { PK, SK } = personKeys(id, '');
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: { PK, SK }, ConsistentRead: consistent }));
  return Item ? personFromItem(Item) : undefined;
};

/** Reads several people by id (missing ids are left out). */
export const getPeople = async (
  client: Documents,
  table: string,
  ids: readonly string[],
): Promise<Map<string, StoredPerson>> => {
  const found = new Map<string, StoredPerson>();
  const keys = ids.map((id) => {
    const { PK, SK } = personKeys(id, '');
    return { PK, SK };
  });
  for (const item of await batchGetAll(client, table, keys, { consistent: false })) {
    const person = personFromItem(item);
    found.set(person.id, person);
  }
  return found;
};

const unitMustExist = async (client: Documents, table: string, unitCode: string | undefined) => {
  if (!unitCode) return;
  const unit = await getUnit(client, table, unitCode, false);
  if (unit?.status !== 'active') {
    throw new InvalidError(`Unit ${unitCode} tidak ditemukan atau sudah diarsipkan`, {
      errors: [{ field: 'unitCode', message: `Unit ${unitCode} tidak ditemukan atau sudah diarsipkan` }],
    });
  }
};

/** The items adding a new person: the person, the email claim and, with a NIP, the NIP claim. */
export const personCreateItems = (table: string, person: StoredPerson): TransactionItem[] => [
  { label: 'person', put: { ...personPut(table, person), ConditionExpression: 'attribute_not_exists(PK)' } },
  emailClaim(table, person.email, person.id),
  ...(person.nipHash ? [nipClaim(table, person.nipHash, person.id)] : []),
];

/**
 * Adds a person with a new ULID. @throws ConflictError when the email or the NIP belongs to someone else
 * @param nipKey the NIP HMAC key, read only when `input` has a NIP
 */
export const createPerson = async (
  client: Documents,
  table: string,
  input: PersonInput,
  now: Date,
  nipKey?: NipKey,
): Promise<StoredPerson> => {
  // The unit is a reference for listings, not an invariant: checked here, not held by the transaction.
  await unitMustExist(client, table, input.unitCode);
  const { nip, ...fields } = input;
  const at = now.toISOString();
  const person: StoredPerson = {
    id: ulid(now.getTime()),
    ...fields,
    ...(nip ? protectNip(await keyFor(nipKey), nip) : {}),
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await transact(client, personCreateItems(table, person));
  return person;
};

const stalePerson = () =>
  new ConflictError('Data orang ini telah diubah orang lain sejak Anda membacanya; muat ulang lalu coba lagi');

/** The items replacing a person based on `version`, moving the email and NIP claims when those change. */
export const personReplaceItems = (table: string, current: StoredPerson, next: StoredPerson): TransactionItem[] => {
  const items: TransactionItem[] = [
    {
      label: 'person',
      put: {
        ...personPut(table, next),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': current.version },
      },
      onConditionFailed: ({ existing }) =>
        existing ? stalePerson() : new NotFoundError('Orang ini tidak ditemukan di direktori'),
    },
  ];
  if (next.email !== current.email) {
    items.push(emailClaim(table, next.email, next.id), {
      label: 'old email',
      delete: {
        TableName: table,
        Key: personEmailKeys(current.email),
        ConditionExpression: 'personId = :id',
        ExpressionAttributeValues: { ':id': current.id },
      },
      onConditionFailed: stalePerson,
    });
  }
  if (next.nipHash !== current.nipHash) {
    if (next.nipHash) items.push(nipClaim(table, next.nipHash, next.id));
    if (current.nipHash) {
      items.push({
        label: 'old nip',
        delete: {
          TableName: table,
          Key: personNipKeys(current.nipHash),
          ConditionExpression: 'personId = :id',
          ExpressionAttributeValues: { ':id': current.id },
        },
        onConditionFailed: stalePerson,
      });
    }
  }
  return items;
};

/**
 * Changes a person, based on the version read; `nip: null` removes the NIP.
 * @throws ConflictError when stale, or the new email or NIP belongs to someone else
 */
export const updatePerson = async (
  client: Documents,
  table: string,
  id: string,
  patch: PersonPatch,
  now: Date,
  nipKey?: NipKey,
): Promise<StoredPerson> => {
  const current = await getPerson(client, table, id);
  if (!current) throw new NotFoundError('Orang ini tidak ditemukan di direktori');
  if (current.version !== patch.version) throw stalePerson();
  const { version: _read, nip, ...changes } = patch;
  const nipFields =
    nip === undefined
      ? {}
      : nip === null
        ? { nipHash: undefined, nipMasked: undefined }
        : protectNip(await keyFor(nipKey), nip);
  const next: StoredPerson = {
    ...current,
    ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v === null ? undefined : v])),
    ...nipFields,
    version: current.version + 1,
    updatedAt: now.toISOString(),
  };
  if (next.unitCode !== current.unitCode) await unitMustExist(client, table, next.unitCode);
  await transact(client, personReplaceItems(table, current, next));
  return next;
};

/** One page of people by name, all or those of one unit. */
export const listPeople = async (
  client: Documents,
  table: string,
  filter: { unitCode?: string; limit: number; cursor?: string },
): Promise<{ people: StoredPerson[]; next?: string }> => {
  const [index, partition] = filter.unitCode
    ? (['GSI2', unitPeoplePartition(filter.unitCode)] as const)
    : (['GSI1', allPeoplePartition()] as const);
  const page = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: `${index}PK = :p`,
      ExpressionAttributeValues: { ':p': partition },
      Limit: filter.limit,
      ExclusiveStartKey: decodeCursor(filter.cursor, `${index}PK`, partition),
    }),
  );
  const next = encodeCursor(page.LastEvaluatedKey);
  return { people: (page.Items ?? []).map(personFromItem), ...(next ? { next } : {}) };
};

/** Where a person is the head or acts as head: from the position indexes. */
export const positionsOf = async (
  client: Documents,
  table: string,
  personId: string,
): Promise<{ unitCode: string; positionId: string; title: string; as: 'holder' | 'Plt' | 'Plh' }[]> => {
  const [held, acting] = await Promise.all(
    (['GSI1', 'GSI2'] as const).map((index) =>
      queryAll(client, {
        TableName: table,
        IndexName: index,
        KeyConditionExpression: `${index}PK = :p`,
        ExpressionAttributeValues: {
          ':p': index === 'GSI1' ? personHoldsPartition(personId) : personActsPartition(personId),
        },
      }),
    ),
  );
  return [
    ...(held ?? []).map((p) => ({
      unitCode: String(p.unitCode),
      positionId: String(p.positionId),
      title: String(p.title),
      as: 'holder' as const,
    })),
    ...(acting ?? []).map((p) => ({
      unitCode: String(p.unitCode),
      positionId: String(p.positionId),
      title: String(p.title),
      as: ((p.acting as { kind?: string } | undefined)?.kind === 'Plh' ? 'Plh' : 'Plt') as 'Plt' | 'Plh',
    })),
  ];
};

/** A person with the head positions they hold or act in; the full phone only when `fullPhone`. */
export const personDetail = async (client: Documents, table: string, id: string, fullPhone: boolean) => {
  const person = await getPerson(client, table, id, false);
  if (!person) return undefined;
  return { ...personView(person, fullPhone), positions: await positionsOf(client, table, id) };
};
