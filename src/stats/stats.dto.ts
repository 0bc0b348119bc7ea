import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { PeriodBound } from './stats.repository.js';

/**
 * A bound of a period: a date (YYYY-MM-DD, a day in the user's time zone) or
 * an instant (ISO 8601 with Z or an offset).
 */
const bound = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date (YYYY-MM-DD) or an ISO 8601 instant with its offset',
  })
  .transform((v): PeriodBound => (v.length === 10 ? { date: v } : { instant: new Date(v) }));

const periodSchema = z.object({
  /** from this day (its start) or instant on; all time when absent */
  from: bound.optional(),
  /** up to this day (through its end) or instant (excluded); now when absent */
  to: bound.optional(),
});

export const topQuerySchema = periodSchema
  .extend({
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int('limit must be a whole number')
      .min(1, 'limit must be 1 to 500')
      .max(500, 'limit must be 1 to 500')
      .default(50),
    by: z.enum(['plays', 'time'], { error: 'by must be plays or time' }).default('plays'),
  })
  .strict();
export class TopQueryDto extends createZodDto(topQuerySchema) {}

export const listeningTimeQuerySchema = periodSchema
  .extend({
    step: z
      .enum(['day', 'week', 'month'], { error: 'step must be day, week or month' })
      .default('day'),
  })
  .strict();
export class ListeningTimeQueryDto extends createZodDto(listeningTimeQuerySchema) {}

export const heatmapQuerySchema = periodSchema.strict();
export class HeatmapQueryDto extends createZodDto(heatmapQuerySchema) {}
