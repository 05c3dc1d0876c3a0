import { GetCommand, type PutCommandInput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { personKeys, positionKeys, unitKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { type TransactionItem, transact } from '#shared/db/transact';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import { type DirectoryReader, type HeadNode, resolveHead } from './approver.ts';
import { getPeople, getPerson } from './people.ts';
import {
  HEAD_POSITION,
  HEAD_TITLES,
  type Position,
  type SetHeadInput,
  type StoredPerson,
  StoredPosition,
  type Unit,
} from './schemas.ts';
import { type Documents, listChildren, primaryKey, unitFromItem } from './units.ts';

/**
 * Positions of a unit: the head (`kepala`) and optionally others, each held by a person or vacant, and possibly
 * filled by an acting official (Plt./Plh.). Stored in the unit's partition, so a unit and its positions are one
 * Query.
 */

/** A position from its stored item. */
export const positionFromItem = (item: Record<string, unknown>): StoredPosition =>
  StoredPosition.parse(migrations.upgrade(item));

/** The Put of a position item (every attribute: a vacancy drops the holder's index keys with it). */
export const positionPut = (table: string, position: StoredPosition): PutCommandInput => ({
  TableName: table,
  Item: migrations.stamp('position', {
    ...positionKeys(position.unitCode, position.positionId, position.holderId, position.acting?.personId),
    ...Object.fromEntries(Object.entries(position).filter(([, value]) => value !== undefined)),
  }),
});

/** A unit and its positions, in one strongly consistent Query of the unit's partition. */
export const getUnitWithPositions = async (
  client: Documents,
  table: string,
  code: string,
): Promise<{ unit: Unit; positions: StoredPosition[] } | undefined> => {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': unitKeys(code, '', '').PK },
      ConsistentRead: true,
    }),
  );
  const unitItem = Items.find((item) => item.SK === 'UNIT');
  if (!unitItem) return undefined;
  const positions = Items.filter((item) => String(item.SK).startsWith('POSITION#')).map(positionFromItem);
  return { unit: unitFromItem(unitItem), positions };
};

/** A position with the names and emails of its holder and acting official. */
export const positionView = (position: StoredPosition, people: Map<string, StoredPerson>): Position => {
  const holder = position.holderId ? people.get(position.holderId) : undefined;
  const acting = position.acting ? people.get(position.acting.personId) : undefined;
  return {
    unitCode: position.unitCode,
    positionId: position.positionId,
    title: position.title,
    ...(holder ? { holder: { id: holder.id, name: holder.name, email: holder.email } } : {}),
    ...(position.acting && acting ? { acting: { ...position.acting, name: acting.name, email: acting.email } } : {}),
    version: position.version,
    updatedAt: position.updatedAt,
  };
};

/** The positions with their people's names (one batch read). */
export const positionViews = async (
  client: Documents,
  table: string,
  positions: StoredPosition[],
): Promise<Position[]> => {
  const ids = positions.flatMap((p) => [p.holderId, p.acting?.personId]).filter((id): id is string => !!id);
  const people = await getPeople(client, table, ids);
  return positions.map((p) => positionView(p, people));
};

const invalid = (field: string, message: string) => new InvalidError(message, { errors: [{ field, message }] });

/**
 * Sets who fills a unit's head position: a holder, an acting official (Plt./Plh., with WIB dates), both, or nobody.
 * One transaction: the position (created if absent when `version` is 0, else conditioned on it), the unit still
 * there and active, and each named person still in the directory.
 */
export const setHead = async (
  client: Documents,
  table: string,
  unitCode: string,
  input: SetHeadInput,
  now: Date,
): Promise<Position> => {
  const found = await getUnitWithPositions(client, table, unitCode);
  if (!found) throw new NotFoundError(`Unit ${unitCode} tidak ditemukan`);
  if (found.unit.status !== 'active') throw new ConflictError(`Unit ${unitCode} sudah diarsipkan`);
  const current = found.positions.find((p) => p.positionId === HEAD_POSITION);
  const stale = () =>
    new ConflictError(`Jabatan kepala ${unitCode} telah diubah orang lain; muat ulang lalu coba lagi`);
  if ((current?.version ?? 0) !== input.version) throw stale();
  const { acting, holderId } = input;
  if (acting?.until !== undefined && acting.until < acting.from) {
    throw invalid('acting.until', 'Tanggal akhir tidak boleh sebelum tanggal mulai');
  }
  if (acting && holderId && acting.personId === holderId) {
    throw invalid('acting.personId', 'Pejabat Plt./Plh. tidak boleh sama dengan pemegang jabatan');
  }

  const position: StoredPosition = {
    unitCode,
    positionId: HEAD_POSITION,
    title: input.title ?? current?.title ?? HEAD_TITLES[found.unit.type],
    ...(holderId ? { holderId } : {}),
    ...(acting ? { acting } : {}),
    version: input.version + 1,
    updatedAt: now.toISOString(),
  };
  const put = positionPut(table, position);
  const personCheck = (field: string, personId: string): TransactionItem => ({
    label: field,
    conditionCheck: {
      TableName: table,
      Key: primaryKey(personKeys(personId, '')),
      ConditionExpression: 'attribute_exists(PK)',
    },
    onConditionFailed: () => invalid(field, 'Orang ini tidak ditemukan di direktori'),
  });
  await transact(client, [
    {
      label: 'position',
      put: {
        ...put,
        ...(input.version === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': input.version } }),
      },
      onConditionFailed: stale,
    },
    {
      label: 'unit',
      conditionCheck: {
        TableName: table,
        Key: primaryKey(unitKeys(unitCode, '', '')),
        ConditionExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
      onConditionFailed: () => new ConflictError(`Unit ${unitCode} sudah diarsipkan`),
    },
    ...(holderId ? [personCheck('holderId', holderId)] : []),
    ...(acting ? [personCheck('acting.personId', acting.personId)] : []),
  ]);
  const [view] = await positionViews(client, table, [position]);
  return view!;
};

/**
 * The directory as approver resolution reads it, from the table: a unit's parent and head position (strongly
 * consistent: an approval must follow the latest appointment), and people by id.
 */
export const dynamoDirectoryReader = (client: Documents, table: string): DirectoryReader => ({
  async node(code): Promise<HeadNode | undefined> {
    const [unit, head] = await Promise.all([
      client.send(new GetCommand({ TableName: table, Key: primaryKey(unitKeys(code, '', '')), ConsistentRead: true })),
      client.send(
        new GetCommand({ TableName: table, Key: primaryKey(positionKeys(code, HEAD_POSITION)), ConsistentRead: true }),
      ),
    ]);
    if (!unit.Item) return undefined;
    const parentCode = typeof unit.Item.parentCode === 'string' ? unit.Item.parentCode : undefined;
    return {
      code,
      ...(parentCode ? { parentCode } : {}),
      ...(head.Item ? { head: positionFromItem(head.Item) } : {}),
    };
  },
  async person(id) {
    const person = await getPerson(client, table, id);
    return person ? { id: person.id, name: person.name, email: person.email } : undefined;
  },
});

/**
 * A unit as an admin or operator reads it: its fields, its children, its head position with names, and who
 * approves as its head at `at`. Undefined when there is no such unit.
 */
export const unitDetail = async (client: Documents, table: string, code: string, at: Date) => {
  const found = await getUnitWithPositions(client, table, code);
  if (!found) return undefined;
  const head = found.positions.find((p) => p.positionId === HEAD_POSITION);
  const [children, approver, headViews] = await Promise.all([
    listChildren(client, table, code),
    resolveHead(dynamoDirectoryReader(client, table), code, at),
    positionViews(client, table, head ? [head] : []),
  ]);
  return {
    ...found.unit,
    children: children.map(({ code, name, type, status }) => ({ code, name, type, status })),
    ...(headViews[0] ? { head: headViews[0] } : {}),
    ...(approver ? { approver } : {}),
  };
};
