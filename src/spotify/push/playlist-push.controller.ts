import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/current-user.decorator.js';
import { PushBodyDto, PushParamDto } from './playlist-push.dto.js';
import { PlaylistPushService } from './playlist-push.service.js';

@ApiTags('spotify')
@Controller()
export class PlaylistPushController {
  constructor(private readonly push: PlaylistPushService) {}

  @Post('playlists/:id/push')
  @ApiOperation({ summary: 'Create or update this playlist on Spotify' })
  pushPlaylist(@CurrentUser() user: AuthUser, @Param() p: PushParamDto, @Body() body: PushBodyDto) {
    return this.push.push(user, 'playlist', p.id, body.force);
  }

  @Post('smart-playlists/:id/push')
  @ApiOperation({ summary: 'Create or update this smart playlist (as last refreshed) on Spotify' })
  pushSmart(@CurrentUser() user: AuthUser, @Param() p: PushParamDto, @Body() body: PushBodyDto) {
    return this.push.push(user, 'smart', p.id, body.force);
  }
}
