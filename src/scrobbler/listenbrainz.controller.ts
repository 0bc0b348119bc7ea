import { Body, Controller, Get, Headers, HttpCode, Post, Query } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokenService } from '../auth/api-token.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public, RequiresApiToken } from '../auth/public.decorator.js';
import { apiTokenOf } from '../auth/user.guard.js';
import { SubmitListensDto } from './listenbrainz.dto.js';
import { ScrobbleService } from './scrobble.service.js';

/** A scrobbler's import may carry 1000 listens with rich metadata. */
const SUBMIT_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * The ListenBrainz submission API, so any player with a ListenBrainz
 * scrobbler (custom server URL: http://<spotlib>/api/listenbrainz) feeds
 * Spotlib. Clients authenticate with `Authorization: Token <api token>`.
 */
@ApiTags('listenbrainz')
@Controller('listenbrainz/1')
export class ListenBrainzController {
  constructor(
    private readonly scrobbles: ScrobbleService,
    private readonly tokens: ApiTokenService,
  ) {}

  @Post('submit-listens')
  @HttpCode(200)
  @RequiresApiToken()
  @RouteConfig({ bodyLimit: SUBMIT_BODY_LIMIT })
  @ApiOperation({
    summary: 'Submit listens (single, playing_now or import), ListenBrainz-compatible',
  })
  async submit(
    @CurrentUser() user: AuthUser,
    @Body() body: SubmitListensDto,
  ): Promise<{ status: 'ok'; recorded: number; duplicates: number }> {
    const result = await this.scrobbles.submit(user, body);
    return { status: 'ok', recorded: result.inserted, duplicates: result.duplicates };
  }

  @Public()
  @Get('validate-token')
  @ApiOperation({ summary: 'Check an API token, as ListenBrainz clients do' })
  async validateToken(
    @Headers('authorization') authorization: string | undefined,
    @Query('token') queryToken: string | undefined,
  ) {
    const token = apiTokenOf(authorization) ?? queryToken;
    const user = token ? await this.tokens.authenticate(token) : null;
    return user
      ? { code: 200, message: 'Token valid.', valid: true, user_name: user.username }
      : { code: 200, message: 'Token invalid.', valid: false };
  }
}
