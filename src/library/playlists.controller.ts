import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParamDto } from '../common/entity-id.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import {
  AddEntriesDto,
  CreatePlaylistDto,
  EntryParamDto,
  MoveEntryDto,
  PlaylistPageDto,
  UpdatePlaylistDto,
} from './playlists.dto.js';
import { PlaylistsService } from './playlists.service.js';
import { playlistEntryPageSchema } from './track-item.schema.js';

@ApiTags('playlists')
@Controller('playlists')
export class PlaylistsController {
  constructor(private readonly playlists: PlaylistsService) {}

  @Get()
  @ApiOperation({ summary: 'Your manual playlists by name, with their track counts' })
  list(@CurrentUser() user: AuthUser) {
    return this.playlists.list(user);
  }

  @Post()
  @ApiOperation({ summary: 'Create a manual playlist' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreatePlaylistDto) {
    return this.playlists.create(user, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a playlist or change its description' })
  update(@CurrentUser() user: AuthUser, @Param() p: IdParamDto, @Body() body: UpdatePlaylistDto) {
    return this.playlists.update(user, p.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a playlist (its tracks stay in your library)' })
  delete(@CurrentUser() user: AuthUser, @Param() p: IdParamDto): Promise<void> {
    return this.playlists.delete(user, p.id);
  }

  @Get(':id/tracks')
  @RouteSchema({ response: { 200: playlistEntryPageSchema } })
  @ApiOperation({
    summary: "A playlist's tracks in order, keyset-paginated, as /api/tracks shows them",
  })
  entries(@CurrentUser() user: AuthUser, @Param() p: IdParamDto, @Query() q: PlaylistPageDto) {
    return this.playlists.entries(user, p.id, q);
  }

  @Post(':id/tracks')
  @ApiOperation({ summary: 'Add tracks at the end, after an entry, or at the start (after: null)' })
  add(@CurrentUser() user: AuthUser, @Param() p: IdParamDto, @Body() body: AddEntriesDto) {
    return this.playlists.add(user, p.id, body);
  }

  @Patch(':id/tracks/:entryId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Move an entry after another (or to the start); nothing else is rewritten',
  })
  move(@CurrentUser() user: AuthUser, @Param() p: EntryParamDto, @Body() body: MoveEntryDto) {
    return this.playlists.move(user, p.id, p.entryId, body.after);
  }

  @Delete(':id/tracks/:entryId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an entry from the playlist' })
  remove(@CurrentUser() user: AuthUser, @Param() p: EntryParamDto): Promise<void> {
    return this.playlists.remove(user, p.id, p.entryId);
  }
}
