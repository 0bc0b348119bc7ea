import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { IdParamDto } from '../common/entity-id.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { CreateTagDto, TagTracksDto, UpdateTagDto } from './tags.dto.js';
import { TagsService } from './tags.service.js';

@ApiTags('library')
@Controller()
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @Get('tags')
  @ApiOperation({ summary: 'Your tags by name, with how many tracks carry each' })
  async list(@CurrentUser() user: AuthUser) {
    return { items: await this.tags.list(user) };
  }

  @Post('tags')
  @ApiOperation({ summary: 'Create a tag (names are unique whatever their case)' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateTagDto) {
    return this.tags.create(user, body);
  }

  @Patch('tags/:id')
  @ApiOperation({ summary: 'Rename and/or recolour a tag' })
  update(@CurrentUser() user: AuthUser, @Param() params: IdParamDto, @Body() body: UpdateTagDto) {
    return this.tags.update(user, params.id, body);
  }

  @Delete('tags/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tag (its tracks stay)' })
  delete(@CurrentUser() user: AuthUser, @Param() params: IdParamDto): Promise<void> {
    return this.tags.delete(user, params.id);
  }

  @Post('tracks/tags')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add and remove tags on many tracks in one request' })
  tagTracks(@CurrentUser() user: AuthUser, @Body() body: TagTracksDto) {
    return this.tags.tagTracks(user, body);
  }
}
