import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { entityId as id, entityIdParam } from '../common/entity-id.js';
import { pageQuerySchema } from '../common/pagination/page.js';

const name = z
  .string({ error: 'name must be text' })
  .trim()
  .min(1, 'name must not be blank')
  .max(200, 'name must be at most 200 characters');
const description = z.string().max(2000, 'description must be at most 2000 characters').nullable();

export const createPlaylistSchema = z
  .object({ name, description: description.optional() })
  .strict();
export class CreatePlaylistDto extends createZodDto(createPlaylistSchema) {}

export const updatePlaylistSchema = z
  .object({ name: name.optional(), description: description.optional() })
  .strict()
  .refine(
    (b) => b.name !== undefined || b.description !== undefined,
    'give a name or a description',
  );
export class UpdatePlaylistDto extends createZodDto(updatePlaylistSchema) {}

export const addEntriesSchema = z
  .object({
    trackIds: z.array(id).min(1, 'trackIds must not be empty').max(1000, 'at most 1000 tracks'),
    /** the entry to insert after; null for the start; omitted for the end */
    after: id.nullable().optional(),
  })
  .strict();
export class AddEntriesDto extends createZodDto(addEntriesSchema) {}

export const moveEntrySchema = z
  .object({
    /** the entry to move after; null moves it to the start */
    after: id.nullable(),
  })
  .strict();
export class MoveEntryDto extends createZodDto(moveEntrySchema) {}

export const entryParamSchema = z.object({ id: entityIdParam, entryId: entityIdParam }).strict();
export class EntryParamDto extends createZodDto(entryParamSchema) {}

export const playlistPageSchema = pageQuerySchema.strict();
export class PlaylistPageDto extends createZodDto(playlistPageSchema) {}
