import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from '#shared/db/cursor';
import { allStaffPartition, staffKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { isConditionFailure } from '#shared/db/transact';
import type { StaffStatus } from '#shared/directory/staff';
import type { Documents } from '#shared/directory/units';
import { NotFoundError } from '#shared/errors';

/**
 * Staff members as the directory keeps them (`STAFF#<sub>` items, written by `createStaff`): the office and the
 * status every request is checked against, and the groups mirrored from the user pool for listings.
 */

/** A staff member as admins see them. */
export interface StaffMember {
  sub: string;
  name: string;
  email: string;
  officeCode: string;
  groups: string[];
  status: StaffStatus;
  createdAt: string;
  updatedAt?: string;
}

/** Where the directory is. */
export interface StaffStore {
  db: Documents;
  table: string;
}

const noSuchMember = () => new NotFoundError('Staf tidak ditemukan');

/** A staff member from their stored item (any schema version). */
export const memberFromItem = (stored: Record<string, unknown>): StaffMember => {
  const item = migrations.upgrade(stored);
  return {
    sub: String(item.sub ?? String(item.PK).replace(/^STAFF#/, '')),
    name: String(item.name ?? ''),
    email: String(item.email ?? ''),
    officeCode: String(item.officeCode ?? ''),
    groups: Array.isArray(item.groups) ? item.groups.map(String) : [],
    status: item.status === 'disabled' ? 'disabled' : 'active',
    createdAt: String(item.createdAt ?? ''),
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
  };
};

/** Reads a staff member (strongly consistent: the answer decides writes). */
export const getMember = async (store: StaffStore, sub: string): Promise<StaffMember | undefined> => {
  const { PK, SK } = staffKeys(sub, '', '');
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: { PK, SK }, ConsistentRead: true }),
  );
  return Item ? memberFromItem(Item) : undefined;
};

/**
 * Staff by name, all of them (GSI2) or those of one office (GSI1), a page at a time; `next` continues. A query,
 * never a scan.
 */
export const listMembers = async (
  store: StaffStore,
  query: { officeCode?: string; limit: number; cursor?: string },
): Promise<{ members: StaffMember[]; next?: string }> => {
  const [index, partitionAttribute, partition] = query.officeCode
    ? (['GSI1', 'GSI1PK', staffKeys('', query.officeCode, '').GSI1PK] as const)
    : (['GSI2', 'GSI2PK', allStaffPartition()] as const);
  const answer = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: index,
      KeyConditionExpression: '#partition = :partition',
      ExpressionAttributeNames: { '#partition': partitionAttribute },
      ExpressionAttributeValues: { ':partition': partition },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor, partitionAttribute, partition),
    }),
  );
  const next = encodeCursor(answer.LastEvaluatedKey);
  return { members: (answer.Items ?? []).map(memberFromItem), ...(next ? { next } : {}) };
};

/**
 * Changes a member's status or groups. The item is brought to the current schema version on the way (its index
 * keys follow the name). Throws NotFoundError when there is no such member.
 */
export const updateMember = async (
  store: StaffStore,
  sub: string,
  change: { status?: StaffStatus; groups?: readonly string[] },
  now: Date,
): Promise<StaffMember> => {
  const member = await getMember(store, sub);
  if (!member) throw noSuchMember();
  const keys = staffKeys(sub, member.officeCode, member.name);
  const set: Record<string, unknown> = {
    GSI2PK: keys.GSI2PK,
    GSI2SK: keys.GSI2SK,
    _v: migrations.currentVersion('staff'),
    updatedAt: now.toISOString(),
    ...(change.status ? { status: change.status } : {}),
    ...(change.groups ? { groups: [...change.groups] } : {}),
  };
  const names = Object.fromEntries(Object.keys(set).map((name, i) => [`#a${i}`, name]));
  const values = Object.fromEntries(Object.values(set).map((value, i) => [`:a${i}`, value]));
  try {
    const { Attributes } = await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: { PK: keys.PK, SK: keys.SK },
        UpdateExpression: `SET ${Object.keys(names)
          .map((name, i) => `${name} = :a${i}`)
          .join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return memberFromItem(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) throw noSuchMember();
    throw error;
  }
};
