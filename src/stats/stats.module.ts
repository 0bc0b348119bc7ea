import { Module } from '@nestjs/common';
import { AggregatesAuditRepository } from './aggregates-audit.repository.js';
import { AggregatesRepository } from './aggregates.repository.js';
import { StatsAuditService } from './stats-audit.service.js';

@Module({
  providers: [AggregatesRepository, AggregatesAuditRepository, StatsAuditService],
  exports: [AggregatesRepository, StatsAuditService, AggregatesAuditRepository],
})
export class StatsModule {}
