import { documents, tableName } from '#shared/aws/clients';
import { jsonRoute } from '#shared/http/handler';
import { healthRoute } from '#shared/platform/contracts';
import { checkHealth, dynamoProbe } from '#shared/platform/health';

export const handler = jsonRoute(healthRoute, async () => {
  const health = await checkHealth(dynamoProbe(documents, tableName()), process.env.STAGE ?? 'unknown', new Date());
  return { statusCode: health.status === 'ok' ? 200 : 503, body: health };
});
