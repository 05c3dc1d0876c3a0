import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger, metrics } from '#shared/observability';
import type { RouteContract } from './contract.ts';
import { HttpProblem, internalProblem, type Problem } from './problem.ts';

export interface JsonResult {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Headers every answer carries. */
export const securityHeaders: Record<string, string> = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'cache-control': 'no-store',
};

const problemResponse = (
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 => ({
  statusCode: problem.status,
  headers: { ...securityHeaders, ...headers, 'content-type': 'application/problem+json' },
  body: JSON.stringify(problem),
});

/**
 * Wraps a JSON route: Powertools logger context, then the route's implementation, then errors mapped in one place
 * (an `HttpProblem` becomes its problem+json answer; anything else a 500 without internals, logged and counted).
 */
export const jsonRoute = (
  route: RouteContract,
  impl: (event: APIGatewayProxyEventV2, context: Context) => Promise<JsonResult>,
) =>
  middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: (request) => {
        const error = request.error;
        if (error instanceof HttpProblem) {
          request.response = problemResponse(error.problem, error.headers);
          return;
        }
        logger.error('unhandled error', { route: `${route.method} ${route.path}`, error });
        metrics.addMetric('UnhandledError', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
        request.response = problemResponse(internalProblem);
      },
    })
    .handler(async (event, context) => {
      const result = await impl(event, context);
      return {
        statusCode: result.statusCode,
        headers: { ...securityHeaders, 'content-type': 'application/json', ...result.headers },
        body: JSON.stringify(result.body),
      };
    });
