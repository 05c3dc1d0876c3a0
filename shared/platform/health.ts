import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type * as z from '#shared/zod';
import type { Health } from './contracts.ts';

/** What the health check needs from the table: one consistent point read. */
export interface TableProbe {
  probe(): Promise<void>;
}

/** Liveness plus table reachability: a point read of a key that need not exist. */
export const checkHealth = async (table: TableProbe, stage: string, now: Date): Promise<z.infer<typeof Health>> => {
  let reachable = true;
  try {
    await table.probe();
  } catch {
    reachable = false;
  }
  return {
    status: reachable ? 'ok' : 'degraded',
    stage,
    checks: { table: reachable ? 'ok' : 'unreachable' },
    time: now.toISOString(),
  };
};

/** The table probe over DynamoDB: a GetItem on a key no entity uses. */
export const dynamoProbe = (client: DynamoDBDocumentClient, table: string): TableProbe => ({
  probe: async () => {
    await client.send(new GetCommand({ TableName: table, Key: { PK: 'HEALTH', SK: 'HEALTH' } }));
  },
});
