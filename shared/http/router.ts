import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { setInvocationContext } from '#shared/aws/deadline';
import { startStaffLookup } from './auth.ts';
import { type RouteContract, routeKey } from './contract.ts';
import { errorResponse } from './errors.ts';
import { HttpProblem } from './problem.ts';

/** A route's handler as `httpRoute` makes it: the Lambda handler with its contract attached. */
export interface RouteHandler {
  (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2>;
  route: RouteContract;
}

/** Loads a route's module (`() => import('./get-form.ts')`). */
export type RouteLoader = () => Promise<{ handler: RouteHandler }>;

/**
 * The entry point of a capability's function: one Lambda serves the capability's routes, each route's handler
 * still built alone by `httpRoute`. It dispatches on the route key API Gateway sets (`GET /forms/{formId}`).
 * Functions per capability, not per route: CloudFormation allows 500 resources in a stack, and each function costs
 * a role, a policy, a log group and alarms; fewer functions also means fewer cold starts.
 *
 * Routes are loaded on first use: each `import()` is a chunk of the split bundle, so a cold start reads and
 * evaluates only the route it serves (its schemas, its domain code), not the whole capability's (measured in
 * docs/performance.md); a bearer request's staff lookup runs meanwhile. A loader that yields another route's
 * handler is refused.
 */
export const routeTable = (loaders: Readonly<Record<string, RouteLoader>>) => {
  const loaded = new Map<string, Promise<RouteHandler>>();
  const load = (key: string): Promise<RouteHandler> => {
    let route = loaded.get(key);
    if (!route) {
      route = loaders[key]!().then(({ handler }) => {
        if (routeKey(handler.route) !== key) throw new Error(`${key} loads the handler of ${routeKey(handler.route)}`);
        return handler;
      });
      // A failed load is not remembered: the next request tries again.
      route.catch(() => loaded.delete(key));
      loaded.set(key, route);
    }
    return route;
  };
  const handler = async (
    event: APIGatewayProxyEventV2,
    context: Context,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    // Only a template that routes here a key this table lacks gets this; a test pins tables to the catalogue.
    if (!Object.hasOwn(loaders, event.routeKey)) {
      return errorResponse(new HttpProblem(404, 'not-found', 'Alamat tidak dikenal'), false);
    }
    if (!loaded.has(event.routeKey)) {
      // The route's first request in this sandbox (a cold start): the caller's staff lookup runs while the route's
      // code loads, within this invocation's deadline (the route's own middleware records it again, and clears it).
      setInvocationContext(context);
      startStaffLookup(event);
    }
    let route: RouteHandler;
    try {
      route = await load(event.routeKey);
    } catch (error) {
      setInvocationContext(undefined);
      throw error;
    }
    return route(event, context);
  };
  return Object.assign(handler, { routeKeys: Object.keys(loaders), load });
};
