import { InvalidError } from '#shared/errors';

/** An opaque cursor for the key DynamoDB stopped at (`LastEvaluatedKey`). */
export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;

/**
 * The key a cursor stands for. A cursor is client input, so it must be exactly a key this listing could have
 * handed out: the table's PK and SK plus, on an index, that index's key pair — all strings — and its partition
 * attribute must be the listing's partition. Anything else would reach DynamoDB as a bad ExclusiveStartKey (a 500)
 * or page through another listing.
 * @param partitionAttribute `PK` for a query on the table, `GSI1PK` (etc.) for a query on an index
 * @throws InvalidError (422, field `cursor`)
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
  const index = /^(GSI\d+)PK$/.exec(partitionAttribute)?.[1];
  const expected = index ? ['PK', 'SK', `${index}PK`, `${index}SK`] : ['PK', 'SK'];
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid();
  const record = key as Record<string, unknown>;
  const names = Object.keys(record);
  if (names.length !== expected.length || !expected.every((name) => typeof record[name] === 'string')) {
    throw invalid();
  }
  if (record[partitionAttribute] !== partition) throw invalid();
  return record as Record<string, string>;
};
