import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { IdParamDto } from '../common/entity-id.js';
import type { AuthUser } from './auth-user.js';
import { ApiTokenService, type ApiTokenInfo, type CreatedToken } from './api-token.service.js';
import { CurrentUser } from './current-user.decorator.js';

class NewTokenDto extends createZodDto(
  z
    .object({
      name: z
        .string({ error: 'name is required' })
        .trim()
        .min(1, 'name must not be blank')
        .max(100, 'name is at most 100 characters'),
    })
    .strict(),
) {}

/** Your API tokens, for scrobblers and scripts (the web page's "API tokens"). */
@ApiTags('account')
@Controller('me/tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Get()
  @ApiOperation({ summary: 'Your live API tokens (names and last characters only)' })
  async list(@CurrentUser() user: AuthUser): Promise<{ items: ApiTokenInfo[] }> {
    return { items: await this.tokens.list(user) };
  }

  @Post()
  @ApiOperation({ summary: 'Create an API token: the answer is the only time it is shown' })
  create(@CurrentUser() user: AuthUser, @Body() body: NewTokenDto): Promise<CreatedToken> {
    return this.tokens.create(user, body.name);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your API tokens' })
  revoke(@CurrentUser() user: AuthUser, @Param() params: IdParamDto): Promise<void> {
    return this.tokens.revoke(user, params.id);
  }
}
