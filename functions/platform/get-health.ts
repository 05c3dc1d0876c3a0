import { documents, tableName } from '#shared/aws/clients';
import { httpRoute } from '#shared/http/route';
import { healthRoute } from '#shared/platform/contracts';
import { checkHealth, dynamoProbe } from '#shared/platform/health';

export const handler = httpRoute(healthRoute, async () => {
  const health = await checkHealth(dynamoProbe(documents, tableName()), process.env.STAGE ?? 'unknown', new Date());
  return { status: health.status === 'ok' ? 200 : 503, body: health };
});
