import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const settingsChangeSchema = z
  .object({
    /** an IANA zone name, e.g. Europe/Berlin: days, weeks and hours of the statistics */
    timeZone: z.string().trim().min(1, 'timeZone must not be blank').max(64).optional(),
    /** from now on, a row counts as a play from this many ms (0..600000) */
    playThresholdMs: z
      .number({ error: 'playThresholdMs must be a number' })
      .int('playThresholdMs must be whole milliseconds')
      .min(0, 'playThresholdMs must be 0 to 600000')
      .max(600_000, 'playThresholdMs must be 0 to 600000')
      .optional(),
  })
  .strict()
  .refine((b) => b.timeZone !== undefined || b.playThresholdMs !== undefined, {
    message: 'give timeZone or playThresholdMs',
  });
export class SettingsChangeDto extends createZodDto(settingsChangeSchema) {}
