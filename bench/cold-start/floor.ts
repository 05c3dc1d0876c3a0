import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

// The cold-start floor: a handler that imports only the DynamoDB client and does one GetItem (the same point read
// as GET /health), built with the house esbuild options. Every function's cold start is compared with this one.
const client = new DynamoDBClient({});

export const handler = async () => {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { PK: { S: 'HEALTH' }, SK: { S: 'HEALTH' } } }),
  );
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ found: !!Item }) };
};
