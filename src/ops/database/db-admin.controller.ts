import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../../auth/admin.guard.js';
import { DbReportQueryDto } from './db-report.dto.js';
import { DbReportService } from './db-report.service.js';
import type { DbReport } from './db-report.types.js';

@ApiTags('admin')
@Controller('admin/db')
@UseGuards(AdminGuard)
export class DbAdminController {
  constructor(private readonly reports: DbReportService) {}

  @Get()
  @ApiOperation({
    summary:
      'Administrators: slowest statements, index usage, table and partition sizes, estimated bloat',
  })
  report(@Query() query: DbReportQueryDto): Promise<DbReport> {
    return this.reports.report(query.limit);
  }
}
