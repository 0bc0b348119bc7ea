import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { optionalBody } from '../../common/optional-body.js';
import { entityIdParam } from '../../common/entity-id.js';

export const pushParamSchema = z.object({ id: entityIdParam });
export class PushParamDto extends createZodDto(pushParamSchema) {}

export const pushBodySchema = optionalBody(
  z
    .object({
      /** overwrite the Spotify playlist even if it was changed there since the last push */
      force: z.boolean({ error: 'force must be true or false' }).default(false),
    })
    .strict(),
);
export class PushBodyDto extends createZodDto(pushBodySchema) {}
