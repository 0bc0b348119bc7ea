import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const loginQuerySchema = z
  .object({
    /** false: answer `{url}` instead of redirecting (for pages that open it themselves) */
    redirect: z.stringbool({ error: 'redirect must be true or false' }).default(true),
  })
  .strict();
export class LoginQueryDto extends createZodDto(loginQuerySchema) {}

/** What Spotify appends to the redirect URI: a code, or an error (the user declined). */
export const callbackQuerySchema = z.object({
  state: z.string({ error: 'state is required' }).min(1).max(200),
  code: z.string().min(1).max(2000).optional(),
  error: z.string().max(200).optional(),
});
export class CallbackQueryDto extends createZodDto(callbackQuerySchema) {}
