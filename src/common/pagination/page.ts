import { z } from 'zod';

/** Every paginated list answers with this shape. */
export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/**
 * JSON Schema of a page whose items `item` describes: Fastify compiles it
 * into the route's serializer (`@RouteSchema({ response: { 200: … } })`).
 */
export function pageSchema(item: object) {
  return {
    type: 'object',
    properties: {
      items: { type: 'array', items: item },
      nextCursor: { type: ['string', 'null'] },
    },
    required: ['items', 'nextCursor'],
  } as const;
}
