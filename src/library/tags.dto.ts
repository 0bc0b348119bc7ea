import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { entityId as id } from '../common/entity-id.js';

const name = z
  .string({ error: 'name must be text' })
  .trim()
  .min(1, 'name must not be blank')
  .max(100, 'name must be at most 100 characters');
const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb')
  .transform((c) => c.toLowerCase())
  .nullable();

export const createTagSchema = z.object({ name, color: color.optional() }).strict();
export class CreateTagDto extends createZodDto(createTagSchema) {}

export const updateTagSchema = z
  .object({ name: name.optional(), color: color.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.color !== undefined, 'give a name or a color');
export class UpdateTagDto extends createZodDto(updateTagSchema) {}

export const tagTracksSchema = z
  .object({
    trackIds: z.array(id).min(1, 'trackIds must not be empty').max(1000, 'at most 1000 tracks'),
    add: z.array(id).max(50).default([]),
    remove: z.array(id).max(50).default([]),
  })
  .strict()
  .refine((b) => b.add.length + b.remove.length > 0, 'give tags to add or remove');
export class TagTracksDto extends createZodDto(tagTracksSchema) {}
