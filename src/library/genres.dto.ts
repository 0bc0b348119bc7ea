import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** A genre name as Spotify writes them: lower case, single spaces. */
export const genreName = z
  .string({ error: 'a genre is text' })
  .transform((name) => name.trim().replace(/\s+/g, ' ').toLowerCase())
  .pipe(
    z.string().min(1, 'a genre must not be blank').max(100, 'a genre is at most 100 characters'),
  );

const names = z.array(genreName).max(50, 'at most 50 genres at once').default([]);

export const artistGenresChangeSchema = z
  .object({ add: names, remove: names })
  .strict()
  .refine((b) => b.add.length + b.remove.length > 0, 'give genres to add or remove')
  .refine(
    (b) => !b.add.some((name) => b.remove.includes(name)),
    'a genre cannot be both added and removed',
  );
export class ArtistGenresChangeDto extends createZodDto(artistGenresChangeSchema) {}
