import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { staffKeys } from '#shared/db/keys';

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
  client: DynamoDBDocumentClient,
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
