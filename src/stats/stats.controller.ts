import { Controller, Get, Param, Query } from '@nestjs/common';
import { IdParamDto } from '../common/entity-id.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { HeatmapQueryDto, ListeningTimeQueryDto, TopQueryDto } from './stats.dto.js';
import { StatsService } from './stats.service.js';

const topSummary = (what: string) =>
  `Your top ${what} of a period (all time by default), by plays or by listening time`;

@ApiTags('stats')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('top-artists')
  @ApiOperation({ summary: topSummary('artists') })
  topArtists(@CurrentUser() user: AuthUser, @Query() query: TopQueryDto) {
    return this.stats.top(user, 'artists', query);
  }

  @Get('top-albums')
  @ApiOperation({ summary: topSummary('albums') })
  topAlbums(@CurrentUser() user: AuthUser, @Query() query: TopQueryDto) {
    return this.stats.top(user, 'albums', query);
  }

  @Get('top-tracks')
  @ApiOperation({ summary: topSummary('tracks') })
  topTracks(@CurrentUser() user: AuthUser, @Query() query: TopQueryDto) {
    return this.stats.top(user, 'tracks', query);
  }

  @Get('top-genres')
  @ApiOperation({ summary: topSummary("genres (a play counts under its artist's genres)") })
  topGenres(@CurrentUser() user: AuthUser, @Query() query: TopQueryDto) {
    return this.stats.top(user, 'genres', query);
  }

  @Get('top-tags')
  @ApiOperation({ summary: topSummary('tags') })
  topTags(@CurrentUser() user: AuthUser, @Query() query: TopQueryDto) {
    return this.stats.top(user, 'tags', query);
  }

  @Get('listening-time')
  @ApiOperation({ summary: 'Plays and listening time per day, week or month of your time zone' })
  listeningTime(@CurrentUser() user: AuthUser, @Query() query: ListeningTimeQueryDto) {
    return this.stats.listeningTime(user, query);
  }

  @Get('heatmap')
  @ApiOperation({ summary: 'Plays per weekday (1 = Monday) and hour of your time zone' })
  heatmap(@CurrentUser() user: AuthUser, @Query() query: HeatmapQueryDto) {
    return this.stats.heatmap(user, query);
  }

  @Get('artists/:id')
  @ApiOperation({ summary: 'An artist: first and last play, rank, plays per month' })
  artist(@CurrentUser() user: AuthUser, @Param() params: IdParamDto) {
    return this.stats.artist(user, params.id);
  }

  @Get('tracks/:id')
  @ApiOperation({ summary: 'A track: first and last play, rank, plays per month' })
  track(@CurrentUser() user: AuthUser, @Param() params: IdParamDto) {
    return this.stats.track(user, params.id);
  }
}
