import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { Public } from '../auth/public.decorator.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { CliError } from './command.js';
import { createCommandContext, runCommand } from './command-context.js';
import { CliBridgeAuth } from './cli-bridge-auth.js';

export const CLI_TOKEN_HEADER = 'x-spotlib-cli-token';

class CliCommandRequest extends createZodDto(
  z.object({
    command: z.string().min(1),
    args: z.record(z.string(), z.unknown()).default({}),
    userId: z.number().int().positive().optional(),
  }),
) {}

/**
 * Runs CLI commands for `spotlib` processes on the same data folder while this
 * server holds the embedded database. Authenticated by the token the server
 * wrote into the data folder, so only someone who can read that folder gets in.
 */
@ApiExcludeController()
@Controller('internal/cli')
export class CliBridgeController {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly auth: CliBridgeAuth,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  async run(
    @Headers(CLI_TOKEN_HEADER) token: string | undefined,
    @Body() body: CliCommandRequest,
  ): Promise<{ result: object }> {
    if (!this.auth.accepts(token)) throw new ApiError(404, 'not_found', 'Not found');
    const ctx = createCommandContext(
      (type) => this.moduleRef.get(type, { strict: false }),
      body.userId,
    );
    try {
      return { result: await runCommand(ctx, body.command, body.args) };
    } catch (error) {
      if (error instanceof CliError) throw new ApiError(400, error.code, error.message);
      throw error;
    }
  }
}
