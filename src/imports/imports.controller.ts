import { RouteConfig } from '@nestjs/platform-fastify';
import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { UploadRouteConfig } from '../common/http/hardening.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { IdParamDto } from '../common/entity-id.js';
import { ImportsService, type ImportStatus } from './imports.service.js';

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @RouteConfig({ upload: true } satisfies UploadRouteConfig)
  @HttpCode(202)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Upload the Spotify export (.zip or JSON files, up to 2 GB); imports in the background',
  })
  upload(@CurrentUser() user: AuthUser, @Req() request: FastifyRequest): Promise<ImportStatus> {
    if (!request.isMultipart()) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the files as multipart/form-data');
    }
    return this.imports.upload(user, request.files());
  }

  @Get(':id')
  @ApiOperation({ summary: 'An import: status, progress (rows, bytes, percent) and summary' })
  status(@CurrentUser() user: AuthUser, @Param() params: IdParamDto): Promise<ImportStatus> {
    return this.imports.status(user, params.id);
  }
}
