import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { BrowseQueryDto, GenresQueryDto } from './browse.dto.js';
import { BrowseService } from './browse.service.js';

@ApiTags('library')
@Controller()
export class BrowseController {
  constructor(private readonly browse: BrowseService) {}

  @Get('artists')
  @ApiOperation({ summary: 'Your artists with track and play counts, keyset-paginated' })
  artists(@CurrentUser() user: AuthUser, @Query() query: BrowseQueryDto) {
    return this.browse.page(user, 'artists', query);
  }

  @Get('albums')
  @ApiOperation({ summary: 'Your albums with track and play counts, keyset-paginated' })
  albums(@CurrentUser() user: AuthUser, @Query() query: BrowseQueryDto) {
    return this.browse.page(user, 'albums', query);
  }

  @Get('genres')
  @ApiOperation({
    summary: "Your artists' genres with summed track and play counts (a few hundred at most)",
  })
  genres(@CurrentUser() user: AuthUser, @Query() query: GenresQueryDto) {
    return this.browse.genres(user, query);
  }
}
