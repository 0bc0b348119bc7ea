import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParamDto } from '../common/entity-id.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import {
  ExportedSmartPlaylistDto,
  NspImportDto,
  PreviewDto,
  PreviewQueryDto,
  SmartDefinitionDto,
  SmartTracksQueryDto,
} from './smart-playlists.dto.js';
import { SmartPlaylistsService } from './smart-playlists.service.js';
import { SmartPlaylistsImportService } from './smart-playlists-import.service.js';
import { trackPageSchema } from '../library/track-item.schema.js';

@ApiTags('smart playlists')
@Controller('smart-playlists')
export class SmartPlaylistsController {
  constructor(
    private readonly smart: SmartPlaylistsService,
    private readonly imports: SmartPlaylistsImportService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your smart playlists by name, with the size of their last refresh' })
  list(@CurrentUser() user: AuthUser) {
    return this.smart.list(user);
  }

  @Post()
  @ApiOperation({ summary: 'Create a smart playlist from a rule tree (refreshed at once)' })
  create(@CurrentUser() user: AuthUser, @Body() body: SmartDefinitionDto) {
    return this.smart.create(user, body);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({ summary: 'Evaluate an unsaved rule tree: its first page and its count' })
  preview(
    @CurrentUser() user: AuthUser,
    @Body() body: PreviewDto,
    @Query() query: PreviewQueryDto,
  ) {
    return this.smart.preview(user, body, query);
  }

  @Post('import')
  @ApiOperation({ summary: 'Create a smart playlist from the JSON its export gave' })
  importDefinition(@CurrentUser() user: AuthUser, @Body() body: ExportedSmartPlaylistDto) {
    return this.smart.create(user, body.definition);
  }

  @Post('import-nsp')
  @ApiOperation({
    summary:
      'Create a smart playlist from a Navidrome .nsp file; what could not be mapped is listed',
  })
  importNsp(@CurrentUser() user: AuthUser, @Body() body: NspImportDto) {
    return this.imports.fromNsp(user, body.nsp, body.name);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A smart playlist: its rule tree as stored' })
  get(@CurrentUser() user: AuthUser, @Param() p: IdParamDto) {
    return this.smart.get(user, p.id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace a smart playlist’s definition (refreshed at once)' })
  replace(@CurrentUser() user: AuthUser, @Param() p: IdParamDto, @Body() body: SmartDefinitionDto) {
    return this.smart.replace(user, p.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a smart playlist' })
  remove(@CurrentUser() user: AuthUser, @Param() p: IdParamDto): Promise<void> {
    return this.smart.remove(user, p.id);
  }

  @Get(':id/tracks')
  @RouteSchema({ response: { 200: trackPageSchema } })
  @ApiOperation({
    summary: 'Its tracks now (live), keyset-paginated; by default in the order its limit selects',
  })
  tracks(
    @CurrentUser() user: AuthUser,
    @Param() p: IdParamDto,
    @Query() query: SmartTracksQueryDto,
  ) {
    return this.smart.tracks(user, p.id, query);
  }

  @Get(':id/count')
  @ApiOperation({ summary: 'How many tracks it holds now, and their total duration' })
  count(@CurrentUser() user: AuthUser, @Param() p: IdParamDto) {
    return this.smart.count(user, p.id);
  }

  @Post(':id/refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Materialise its tracks now (what push and IN_PLAYLIST read)' })
  refresh(@CurrentUser() user: AuthUser, @Param() p: IdParamDto) {
    return this.smart.refresh(user, p.id);
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'Its definition as JSON, for import' })
  export(@CurrentUser() user: AuthUser, @Param() p: IdParamDto) {
    return this.smart.export(user, p.id);
  }
}
