import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';

/** A row id as bodies carry it. */
export const entityId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** How a row id is spelled in a path or a query string. */
const ID_DIGITS = /^[0-9]{1,16}$/;

/**
 * A row id from a path or a query string: decimal digits only, so "1e3",
 * " 12" or "0x1f" are refused rather than read as another row's id.
 */
export const entityIdParam = z
  .string()
  .regex(ID_DIGITS, 'must be a positive whole number')
  .transform(Number)
  .pipe(entityId);

/** A route's `:id`, checked: `@Param() params: IdParamDto`. */
export class IdParamDto extends createZodDto(z.object({ id: entityIdParam }).strict()) {}
