import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { UsersModule } from '../../users/users.module.js';
import { BloatRepository } from './bloat.repository.js';
import { DbAdminController } from './db-admin.controller.js';
import { DbReportService } from './db-report.service.js';
import { MaintenanceRepository } from './maintenance.repository.js';
import { MaintenanceService } from './maintenance.service.js';
import { StatementsRepository } from './statements.repository.js';
import { StorageRepository } from './storage.repository.js';
import { TableStatisticsService } from './table-statistics.service.js';

/** The database's monitoring (report) and upkeep (maintenance, statistics after bulk loads). */
@Module({
  // AdminGuard and the users it looks up
  imports: [AuthModule, UsersModule],
  controllers: [DbAdminController],
  providers: [
    BloatRepository,
    DbReportService,
    MaintenanceRepository,
    MaintenanceService,
    StatementsRepository,
    StorageRepository,
    TableStatisticsService,
  ],
  exports: [DbReportService, MaintenanceService, TableStatisticsService],
})
export class DatabaseOpsModule {}
