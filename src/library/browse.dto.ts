import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { pageQuerySchema } from '../common/pagination/page.js';

export const browseQuerySchema = pageQuerySchema
  .extend({
    sort: z
      .enum(['plays', 'time', 'tracks', 'name'], { error: 'must be plays, time, tracks or name' })
      .default('plays'),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
  })
  .strict();
export class BrowseQueryDto extends createZodDto(browseQuerySchema) {}

export const genresQuerySchema = z
  .object({
    sort: z
      .enum(['plays', 'tracks', 'name'], { error: 'must be plays, tracks or name' })
      .default('plays'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export class GenresQueryDto extends createZodDto(genresQuerySchema) {}
