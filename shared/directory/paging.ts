import * as z from '#shared/zod';

/** Query parameters of a paged listing. */
export const PageQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  cursor: z
    .optional(z.string().check(z.maxLength(2000)))
    .check(z.meta({ description: 'The `next` of the previous page' })),
});

export { decodeCursor, encodeCursor } from '#shared/db/cursor';
