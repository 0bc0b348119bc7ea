import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';

/** A row id as bodies carry it. */
export const entityId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A row id from a path or a query string. */
export const entityIdParam = z.coerce.number().pipe(entityId);

/** A route's `:id`, checked: `@Param() params: IdParamDto`. */
export class IdParamDto extends createZodDto(z.object({ id: entityIdParam }).strict()) {}
