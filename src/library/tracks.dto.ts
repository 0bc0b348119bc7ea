import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { entityIdParam as id } from '../common/entity-id.js';
import { pageQuerySchema } from '../common/pagination/page.js';
import { genreName } from './genres.dto.js';
import { TRACK_SORTS } from './track-list.repository.js';

const flag = z.stringbool({ error: 'must be true or false' }).optional();

export const tracksQuerySchema = pageQuerySchema
  .extend({
    sort: z
      .enum(TRACK_SORTS, { error: `must be one of ${TRACK_SORTS.join(', ')}` })
      .default('added'),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('desc'),
    /** one tag id, or several (repeated or comma-separated): tracks carrying all of them */
    tag: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => [v].flat().flatMap((s) => s.split(',')))
      .pipe(z.array(id).min(1).max(20, 'at most 20 tags'))
      .optional(),
    genre: genreName.optional(),
    artist: id.optional(),
    album: id.optional(),
    rated: flag,
    liked: flag,
    played: flag,
    /** search in track, artist and album names; case and accents ignored */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export class TracksQueryDto extends createZodDto(tracksQuerySchema) {}

export const ratingSchema = z
  .object({
    rating: z
      .number({ error: 'rating must be a number from 0 to 5 in steps of 0.5, or null' })
      .min(0, 'rating must be from 0 to 5')
      .max(5, 'rating must be from 0 to 5')
      .multipleOf(0.5, 'rating must be in steps of 0.5')
      .nullable(),
  })
  .strict();

export class RatingDto extends createZodDto(ratingSchema) {}

export const trackIdParamSchema = z.object({ id }).strict();
export class TrackIdParamDto extends createZodDto(trackIdParamSchema) {}
