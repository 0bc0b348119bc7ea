import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import { SpotifyAuthService } from '../spotify-auth.service.js';
import { StartSyncDto } from './sync.dto.js';
import { SyncRunner } from './sync-runner.service.js';
import { SyncService } from './sync.service.js';

@ApiTags('spotify')
@Controller('sync')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly runner: SyncRunner,
    private readonly auth: SpotifyAuthService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your Spotify connection and the progress of each sync step' })
  async status(@CurrentUser() user: AuthUser) {
    const [connection, steps] = await Promise.all([
      this.auth.connection(user),
      this.sync.status(user),
    ]);
    return { connection, ...steps };
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Start a sync with Spotify in the background; follow it with GET /api/sync',
  })
  start(@CurrentUser() user: AuthUser, @Body() body: StartSyncDto) {
    return this.runner.start(user, body.mode);
  }
}
