import { z } from 'zod';

/** A body whose fields all have defaults may be left out (a POST with no body at all). */
export const optionalBody = <T extends z.ZodType>(schema: T) =>
  z.preprocess((body) => body ?? {}, schema);
