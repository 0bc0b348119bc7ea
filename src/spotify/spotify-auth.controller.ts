import { Controller, Delete, Get, HttpCode, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { CallbackQueryDto, LoginQueryDto } from './spotify-auth.dto.js';
import { SpotifyAuthService } from './spotify-auth.service.js';

@ApiTags('spotify')
@Controller('auth/spotify')
export class SpotifyAuthController {
  constructor(private readonly auth: SpotifyAuthService) {}

  @Get()
  @ApiOperation({ summary: 'Whether your Spotify account is connected, or needs reconnecting' })
  connection(@CurrentUser() user: AuthUser) {
    return this.auth.connection(user);
  }

  @Get('login')
  @ApiOperation({ summary: "Start connecting Spotify: redirects to Spotify's authorize page" })
  async login(
    @CurrentUser() user: AuthUser,
    @Query() q: LoginQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const url = await this.auth.loginUrl(user);
    await (q.redirect ? reply.redirect(url, 302) : reply.send({ url }));
  }

  @Get('callback')
  @ApiOperation({ summary: 'Where Spotify sends you back: links the account' })
  callback(@CurrentUser() user: AuthUser, @Query() q: CallbackQueryDto) {
    return this.auth.completeLogin(user, q);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect Spotify (forgets the tokens; your library stays)' })
  disconnect(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.disconnect(user);
  }
}
