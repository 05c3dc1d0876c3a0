import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { surveyTicketBatchKeys, surveyTicketKeys, unitKeys } from '#shared/db/keys';
import { migrations } from '#shared/db/migrations';
import { type TransactionItem, transact } from '#shared/db/transact';
import { type Documents, primaryKey } from '#shared/directory/units';
import { ConflictError, InvalidError, NotFoundError } from '#shared/errors';
import type { TicketBatch } from './schemas.ts';

/**
 * Printed single-use tickets. A unit prints a sheet of codes and hands one to each person it served; a response sent
 * with a code counts as verified. A code is one item (`SURVEY_TICKET#<code>`); the response's transaction consumes it
 * with a condition (it exists, belongs to the unit, is unused), so two responses can never share a code, whatever
 * their timing. The batch item keeps the codes for printing the sheet again.
 */

/** No look-alikes: no I, O, 0 or 1. 32 symbols, so each is 5 random bits; a code is 10 of them (50 bits). */
export const TICKET_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 10;
/** DynamoDB's limit of items per transaction. */
const TRANSACTION_LIMIT = 100;

/** A new random ticket code, as stored (no hyphen). */
export const newTicketCode = (random: (size: number) => Uint8Array = randomBytes): string =>
  Array.from(random(CODE_LENGTH), (byte) => TICKET_ALPHABET[byte & 31]).join('');

/** A code as typed (any case, a hyphen or spaces) as stored: `abcde-23456` -> `ABCDE23456`. */
export const normalizeTicketCode = (typed: string): string => typed.replace(/[\s-]/g, '').toUpperCase();

/** A stored code as printed: `ABCDE23456` -> `ABCDE-23456`. */
export const printedTicketCode = (code: string): string => `${code.slice(0, 5)}-${code.slice(5)}`;

const sheetPath = (unitCode: string, batchId: string) => `/surveys/${unitCode}/ticket-batches/${batchId}/sheet`;

/**
 * Creates a batch of `count` tickets for a unit. Tickets are written first, in transactions of up to 100 (the first
 * also checks that the unit is active), and the batch item last: a failure half-way leaves only unused codes that
 * no sheet shows.
 * @throws NotFoundError for a unit that does not exist or is archived
 */
export const createTicketBatch = async (
  client: Documents,
  table: string,
  unitCode: string,
  input: { count: number; label?: string },
  createdBy: string,
  now: Date,
): Promise<TicketBatch> => {
  const batchId = ulid(now.getTime());
  const codes = [...new Set(Array.from({ length: input.count * 2 }, () => newTicketCode()))].slice(0, input.count);
  const createdAt = now.toISOString();
  const unitCheck: TransactionItem = {
    label: `unit ${unitCode}`,
    conditionCheck: {
      TableName: table,
      Key: primaryKey(unitKeys(unitCode, '', '')),
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#status) OR #status = :active)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'active' },
    },
    onConditionFailed: () => new NotFoundError(`Unit ${unitCode} tidak ditemukan atau sudah diarsipkan`),
  };
  const tickets: TransactionItem[] = codes.map((code) => ({
    label: 'survey-ticket',
    put: {
      TableName: table,
      Item: {
        ...surveyTicketKeys(code),
        ...migrations.stamp('survey-ticket', { code, unitCode, batchId, createdAt }),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  }));
  for (let i = 0; i < tickets.length; i += TRANSACTION_LIMIT - 1) {
    const chunk = tickets.slice(i, i + TRANSACTION_LIMIT - 1);
    await transact(client, i === 0 ? [unitCheck, ...chunk] : chunk);
  }
  await transact(client, [
    {
      label: 'survey-ticket-batch',
      put: {
        TableName: table,
        Item: {
          ...surveyTicketBatchKeys(unitCode, batchId),
          ...migrations.stamp('survey-ticket-batch', {
            id: batchId,
            unitCode,
            count: codes.length,
            ...(input.label !== undefined ? { label: input.label } : {}),
            codes,
            createdBy,
            createdAt,
          }),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
  ]);
  return {
    batchId,
    unitCode,
    ...(input.label !== undefined ? { label: input.label } : {}),
    count: codes.length,
    codes: codes.map(printedTicketCode),
    createdAt,
    sheetPath: sheetPath(unitCode, batchId),
  };
};

/** A unit's ticket batch as stored. @throws NotFoundError when the unit has no such batch */
export const getTicketBatch = async (
  client: Documents,
  table: string,
  unitCode: string,
  batchId: string,
): Promise<TicketBatch> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: surveyTicketBatchKeys(unitCode, batchId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Batch tiket tidak ditemukan');
  return {
    batchId,
    unitCode,
    ...(typeof Item.label === 'string' ? { label: Item.label } : {}),
    count: Number(Item.count),
    codes: (Item.codes as string[]).map(printedTicketCode),
    createdAt: String(Item.createdAt),
    sheetPath: sheetPath(unitCode, batchId),
  };
};

const unknownTicket = () => {
  const message = 'Kode tiket tidak dikenal untuk unit ini';
  return new InvalidError(message, { errors: [{ field: 'ticket', message }] });
};
const usedTicket = () => new ConflictError('Kode tiket ini sudah dipakai untuk survei lain');

/** Why a ticket cannot verify this response: unknown (or another unit's) -> InvalidError, used -> ConflictError. */
const ticketError = (existing: Record<string, unknown> | undefined, unitCode: string, responseId: string) => {
  if (!existing || existing.unitCode !== unitCode) return unknownTicket();
  if (existing.usedAt !== undefined && existing.responseId !== responseId) return usedTicket();
  return undefined;
};

/**
 * Checks a ticket before anything is written, so a refused code changes nothing (not even the month item). A code
 * this same response used is fine: the resend is answered as a resend. The transaction checks again.
 * @throws InvalidError (field `ticket`) for an unknown code or another unit's; ConflictError for a used code
 */
export const checkTicket = async (
  client: Documents,
  table: string,
  code: string,
  unitCode: string,
  responseId: string,
): Promise<void> => {
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: surveyTicketKeys(code), ConsistentRead: true }),
  );
  const error = ticketError(Item, unitCode, responseId);
  if (error) throw error;
};

/** The transaction item consuming a ticket for a response: it must exist, be the unit's, and be unused. */
export const consumeTicket = (
  table: string,
  code: string,
  unitCode: string,
  responseId: string,
  now: Date,
): TransactionItem => ({
  label: 'survey-ticket',
  update: {
    TableName: table,
    Key: surveyTicketKeys(code),
    UpdateExpression: 'SET usedAt = :now, responseId = :response',
    ConditionExpression: 'attribute_exists(PK) AND unitCode = :unit AND attribute_not_exists(usedAt)',
    ExpressionAttributeValues: { ':now': now.toISOString(), ':response': responseId, ':unit': unitCode },
  },
  onConditionFailed: ({ existing }) => ticketError(existing, unitCode, responseId) ?? usedTicket(),
});
