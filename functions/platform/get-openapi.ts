import { endpoints } from '#shared/http/catalogue';
import { openApiDocument } from '#shared/http/openapi';
import { httpRoute } from '#shared/http/route';
import { openApiRoute } from '#shared/platform/contracts';

// Built once per execution environment: the document only changes with a deploy.
const document = openApiDocument(
  endpoints.flatMap((endpoint) => endpoint.routes),
  { title: 'abdi API', version: '0.1.0' },
);

export const handler = httpRoute(openApiRoute, async () => ({ status: 200, body: document }));
