import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { IdParamDto } from '../common/entity-id.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { ArtistGenresChangeDto } from './genres.dto.js';
import { GenresService } from './genres.service.js';

@ApiTags('library')
@Controller('artists/:id/genres')
export class GenresController {
  constructor(private readonly genres: GenresService) {}

  @Get()
  @ApiOperation({ summary: "An artist's genres as you see them (Spotify's and your own)" })
  list(@CurrentUser() user: AuthUser, @Param() params: IdParamDto) {
    return this.genres.ofArtist(user, params.id);
  }

  @Patch()
  @ApiOperation({
    summary: 'Add genres to an artist and remove genres from it, for you alone',
  })
  change(
    @CurrentUser() user: AuthUser,
    @Param() params: IdParamDto,
    @Body() body: ArtistGenresChangeDto,
  ) {
    return this.genres.change(user, params.id, body);
  }
}
