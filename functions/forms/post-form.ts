import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { createFormRoute } from '#shared/forms/contracts';
import { createForm } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(createFormRoute, async ({ body, caller, idempotency }) => ({
  status: 201,
  body: await createForm(
    { db: documents, table: tableName() },
    body,
    caller.sub,
    idempotency?.id ?? ulid(),
    new Date(),
  ),
}));
