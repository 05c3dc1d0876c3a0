import * as z from '#shared/zod';
import type { RouteContract } from './contract.ts';

type JsonSchema = Record<string, unknown>;

const problemSchema: JsonSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/** JSON Schema of a zod schema; schemas registered with an id (`z.meta({ id })`) become shared components. */
const schemaOf = (
  schema: z.core.$ZodType,
  components: Record<string, JsonSchema>,
  io: 'input' | 'output',
): JsonSchema => {
  const id = z.globalRegistry.get(schema)?.id;
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  if (typeof id === 'string') {
    components[id] = json;
    return { $ref: `#/components/schemas/${id}` };
  }
  return json;
};

/** Path and query parameters of a route, from its zod object schemas. */
const parametersOf = (route: RouteContract): JsonSchema[] => {
  const parameters: JsonSchema[] = [];
  for (const [where, schema] of [
    ['path', route.request?.params],
    ['query', route.request?.query],
  ] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, {}, 'input');
    const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((json.required ?? []) as string[]);
    for (const [name, property] of Object.entries(properties)) {
      parameters.push({ name, in: where, required: where === 'path' || required.has(name), schema: property });
    }
  }
  return parameters;
};

/** The OpenAPI 3.1 document of the given routes. */
export const openApiDocument = (routes: readonly RouteContract[], info: { title: string; version: string }) => {
  const components: Record<string, JsonSchema> = { Problem: problemSchema };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation: Record<string, unknown> = {
      summary: route.summary,
      tags: route.tags,
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string = '') => c.toUpperCase())}`,
      parameters: parametersOf(route),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.body
              ? {
                  content: {
                    [response.contentType ?? 'application/json']: {
                      schema: schemaOf(response.body, components, 'output'),
                    },
                  },
                }
              : response.contentType
                ? { content: { [response.contentType]: {} } }
                : {}),
          },
        ]),
      ),
    };
    const responses = operation.responses as Record<string, unknown>;
    responses['4XX'] = {
      description: 'The request was refused; nothing was changed',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    if (route.request?.body) {
      operation.requestBody = {
        required: true,
        content: {
          [route.request.bodyContentType ?? 'application/json']: {
            schema: schemaOf(route.request.body, components, 'input'),
          },
        },
      };
    }
    if (route.auth === 'jwt') operation.security = [{ bearer: [] }];
    if (route.auth === 'session') operation.security = [{ session: [] }];
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        session: { type: 'apiKey', in: 'cookie', name: '__Host-abdi-session' },
      },
    },
  };
};
