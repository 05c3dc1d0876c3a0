import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalCloud } from '#infra/local/cloud';

/**
 * Deletes every idempotency record, as when their saves were throttled after the work had committed: a keyed request
 * sent again then runs again and meets only what its first run stored.
 */
export const forgetIdempotencyRecords = async (cloud: LocalCloud): Promise<void> => {
  const table = cloud.system.tables.find((t) => !t.logicalId.startsWith('DataDomain'))!.tableName;
  let start: Record<string, never> | undefined;
  do {
    const page = await cloud.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const { id } of page.Items ?? []) {
      await cloud.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { id: id! } }));
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
};
