import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { staffKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { isConditionFailure } from '#shared/db/transact';

export type StaffStatus = 'active' | 'disabled';

/** A staff member as the directory knows them. Offices live here, not in tokens: staff move between offices. */
export interface StaffMember {
  sub: string;
  name: string;
  email: string;
  officeCode: string;
  status: StaffStatus;
}

/** Reads a staff member by Cognito `sub`; strongly consistent, so a disable takes effect at once. */
export const findStaff = async (
  client: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
  sub: string,
): Promise<StaffMember | undefined> => {
  const { PK, SK } = staffKeys(sub, '', '');
  const result = await client.send(new GetCommand({ TableName: table, Key: { PK, SK }, ConsistentRead: true }));
  const item = result.Item;
  if (!item) return undefined;
  return {
    sub,
    name: String(item.name ?? ''),
    email: String(item.email ?? ''),
    officeCode: String(item.officeCode ?? ''),
    status: item.status === 'disabled' ? 'disabled' : 'active',
  };
};

/**
 * Adds a staff member to the directory, once: a second call for the same `sub` is refused by the database
 * (returns false), so a re-run of a bootstrap or an invitation does not overwrite a later edit.
 */
export const createStaff = async (
  client: Pick<DynamoDBDocumentClient, 'send'>,
  table: string,
  member: Omit<StaffMember, 'status'> & { groups: string[] },
  now: Date,
): Promise<boolean> => {
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: migrations.stamp('staff', {
          ...staffKeys(member.sub, member.officeCode, member.name),
          ...member,
          status: 'active',
          createdAt: now.toISOString(),
        }),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
