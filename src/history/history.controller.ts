import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { Page } from '../common/pagination/page.js';
import { HistoryQueryDto, type PlayItem } from './history.dto.js';
import { HistoryService } from './history.service.js';

@ApiTags('history')
@Controller('history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get()
  @ApiOperation({ summary: 'Your plays, newest first, keyset-paginated (hot and archived alike)' })
  list(@CurrentUser() user: AuthUser, @Query() query: HistoryQueryDto): Promise<Page<PlayItem>> {
    return this.history.list(user, query);
  }
}
