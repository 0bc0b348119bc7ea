import { Module } from '@nestjs/common';
import { AggregatesAuditRepository } from './aggregates-audit.repository.js';
import { AggregatesRepository } from './aggregates.repository.js';
import { RollupsRepository } from './rollups.repository.js';
import { StatsAuditService } from './stats-audit.service.js';

@Module({
  providers: [
    AggregatesRepository,
    AggregatesAuditRepository,
    RollupsRepository,
    StatsAuditService,
  ],
  exports: [AggregatesRepository, StatsAuditService, AggregatesAuditRepository, RollupsRepository],
})
export class StatsModule {}
