import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type RouteContract, routeKey } from './contract.ts';
import { errorResponse } from './errors.ts';
import { HttpProblem } from './problem.ts';

/** A route's handler as `httpRoute` makes it: the Lambda handler with its contract attached. */
export interface RouteHandler {
  (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
  route: RouteContract;
}

/**
 * The entry point of a capability's function: one Lambda serves the capability's routes, each route's handler
 * still built alone by `httpRoute`. It dispatches on the route key API Gateway sets (`GET /forms/{formId}`).
 * Functions per capability, not per route: CloudFormation allows 500 resources in a stack, and each function costs
 * a role, a policy, a log group and alarms; fewer functions also means fewer cold starts.
 */
export const routeTable = (...handlers: readonly RouteHandler[]) => {
  const byKey = new Map(handlers.map((handler) => [routeKey(handler.route), handler]));
  if (byKey.size !== handlers.length) throw new Error('a route appears twice in one route table');
  const handler = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = byKey.get(event.routeKey);
    // Only a template that routes here a key this table lacks gets this; a test pins tables to the catalogue.
    if (!route) return errorResponse(new HttpProblem(404, 'not-found', 'Alamat tidak dikenal'), false);
    return route(event, context);
  };
  return Object.assign(handler, { routeKeys: [...byKey.keys()] });
};
