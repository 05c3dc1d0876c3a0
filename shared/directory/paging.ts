import * as z from 'zod';

/** Query parameters of a paged listing. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional().meta({ description: 'The `next` of the previous page' }),
});

export { decodeCursor, encodeCursor } from '#shared/db/cursor';
