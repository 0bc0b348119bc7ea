import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './accounts.service.js';

export const signInSchema = z
  .object({
    username: z.string().min(1, 'username is required').max(40),
    password: z.string().min(1, 'password is required').max(MAX_PASSWORD_LENGTH),
  })
  .strict();
export class SignInDto extends createZodDto(signInSchema) {}
