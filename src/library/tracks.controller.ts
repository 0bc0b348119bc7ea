import { Body, Controller, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { trackPageSchema } from './track-item.schema.js';
import type { TrackItem } from './track-list.repository.js';
import { RatingDto, TrackIdParamDto, TracksQueryDto } from './tracks.dto.js';
import { TracksService } from './tracks.service.js';

@ApiTags('library')
@Controller('tracks')
export class TracksController {
  constructor(private readonly tracks: TracksService) {}

  @Get()
  @RouteSchema({ response: { 200: trackPageSchema } })
  @ApiOperation({
    summary: 'Your library, sorted and filtered, keyset-paginated; NULL sort keys come last',
  })
  list(@CurrentUser() user: AuthUser, @Query() query: TracksQueryDto): Promise<Page<TrackItem>> {
    return this.tracks.page(user, query);
  }

  @Put(':id/rating')
  @HttpCode(204)
  @ApiOperation({ summary: 'Rate a track 0..5 in half stars, or clear its rating with null' })
  rate(
    @CurrentUser() user: AuthUser,
    @Param() params: TrackIdParamDto,
    @Body() body: RatingDto,
  ): Promise<void> {
    return this.tracks.rate(user, params.id, body.rating);
  }
}
