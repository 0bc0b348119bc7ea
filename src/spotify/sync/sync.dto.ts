import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { optionalBody } from '../../common/optional-body.js';

export const startSyncSchema = optionalBody(
  z
    .object({
      /** full also un-likes what is no longer saved; default: full the first time, then incremental */
      mode: z
        .enum(['full', 'incremental'], { error: 'mode must be full or incremental' })
        .optional(),
    })
    .strict(),
);
export class StartSyncDto extends createZodDto(startSyncSchema) {}
