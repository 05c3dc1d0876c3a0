import { z } from 'zod';
import { InvalidError } from '#shared/errors';

/** Query parameters of a paged listing. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional().meta({ description: 'The `next` of the previous page' }),
});

/** An opaque cursor for the key DynamoDB stopped at. */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * The key a cursor stands for. A cursor is client input: it must decode to string attributes and stay in the
 * partition it was issued for (`partitionAttribute` = `partition`), or DynamoDB would be asked for another listing.
 */
export const decodeCursor = (
  cursor: string | undefined,
  partitionAttribute: string,
  partition: string,
): Record<string, string> | undefined => {
  if (cursor === undefined) return undefined;
  const invalid = () =>
    new InvalidError('Kursor halaman tidak valid; mulai lagi dari halaman pertama.', {
      errors: [{ field: 'cursor', message: 'Kursor tidak dikenali' }],
    });
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const entries = Object.entries(key);
  if (entries.length > 6 || entries.some(([, value]) => typeof value !== 'string')) throw invalid();
  const decoded = Object.fromEntries(entries) as Record<string, string>;
  if (decoded[partitionAttribute] !== partition) throw invalid();
  return decoded;
};
