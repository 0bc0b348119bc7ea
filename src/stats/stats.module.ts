import { Module } from '@nestjs/common';
import { AggregatesAuditRepository } from './aggregates-audit.repository.js';
import { AggregatesRepository } from './aggregates.repository.js';
import { LabelStatsRepository } from './label-stats.repository.js';
import { RollupsRebuilder } from './rollups-rebuilder.service.js';
import { RollupsRepository } from './rollups.repository.js';
import { StatsAuditService } from './stats-audit.service.js';
import { StatsController } from './stats.controller.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';

@Module({
  controllers: [StatsController],
  providers: [
    AggregatesRepository,
    AggregatesAuditRepository,
    LabelStatsRepository,
    RollupsRepository,
    RollupsRebuilder,
    StatsAuditService,
    StatsRepository,
    StatsService,
  ],
  exports: [
    AggregatesRepository,
    StatsAuditService,
    AggregatesAuditRepository,
    RollupsRepository,
    RollupsRebuilder,
    StatsService,
    StatsRepository,
  ],
})
export class StatsModule {}
