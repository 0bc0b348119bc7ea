import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/** Rows in each top list of the report (slowest statements, most bloated relations). */
export const reportLimit = z.coerce
  .number({ error: 'limit must be a number' })
  .int('limit must be a whole number')
  .min(1, 'limit must be 1 to 100')
  .max(100, 'limit must be 1 to 100')
  .default(10);

export const dbReportQuerySchema = z.object({ limit: reportLimit }).strict();
export class DbReportQueryDto extends createZodDto(dbReportQuerySchema) {}
