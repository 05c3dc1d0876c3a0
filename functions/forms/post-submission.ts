import { ulid } from 'ulid';
import { documents, tableName } from '#shared/aws/clients';
import { submitFormRoute } from '#shared/forms/contracts';
import { submitForm } from '#shared/forms/forms';
import { httpRoute } from '#shared/http/route';

export const handler = httpRoute(submitFormRoute, async ({ params, body, caller, idempotency }) => ({
  status: 201,
  body: await submitForm(
    { db: documents, table: tableName() },
    params.formId,
    body.values,
    caller,
    idempotency?.id ?? ulid(),
    new Date(),
  ),
}));
