import { isDeepStrictEqual } from 'node:util';
import { ConflictError } from '#shared/errors';
import type { ConditionFailure } from './transact.ts';

/**
 * The id guard of a create whose id may derive from the caller and an Idempotency-Key (`attribute_not_exists(PK)`
 * on that id) failed: the error carries the item stored under the id.
 */
export class AlreadyExistsError extends ConflictError {
  override name = 'AlreadyExistsError';
  readonly existing: Record<string, unknown> | undefined;

  constructor(message: string, existing: Record<string, unknown> | undefined) {
    super(message);
    this.existing = existing;
  }
}

/** `onConditionFailed` of a create's id guard: an {@link AlreadyExistsError} with `message` and the stored item. */
export const idTaken =
  (message: string) =>
  ({ existing }: ConditionFailure): AlreadyExistsError =>
    new AlreadyExistsError(message, existing);

/**
 * Runs a keyed create. A request sent again after its idempotency record was lost (the record's save throttled after
 * the commit, or the answer timed out) meets its own item at the id guard: `replay` looks at the stored item and
 * returns the answer when it is this caller's and what this request asked for, or undefined, and the conflict stands.
 */
export const createOrReplay = async <T>(
  create: () => Promise<T>,
  replay: (existing: Record<string, unknown>) => Promise<T | undefined> | T | undefined,
): Promise<T> => {
  try {
    return await create();
  } catch (error) {
    if (error instanceof AlreadyExistsError && error.existing) {
      const answer = await replay(error.existing);
      if (answer !== undefined) return answer;
    }
    throw error;
  }
};

/** Equal as stored: compared after a JSON round trip (undefined members dropped, as the document client does). */
export const sameAsStored = (stored: unknown, asked: unknown): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(stored ?? null)), JSON.parse(JSON.stringify(asked ?? null)));
