import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { LibraryMembershipService } from '../library/library-membership.service.js';
import { LibraryModule } from '../library/library.module.js';
import { TrackMergeService } from '../library/track-merge.service.js';
import { TrackResolutionService } from '../library/track-resolution.service.js';
import { StatsModule } from '../stats/stats.module.js';
import { UsersModule } from '../users/users.module.js';
import { HistoryController } from './history.controller.js';
import { HistoryRepository } from './history.repository.js';
import { HistoryService } from './history.service.js';
import { PartitionUpkeepService } from './partition-upkeep.service.js';
import { PlayRecorder } from './play-recorder.service.js';

@Module({
  imports: [UsersModule, CatalogModule, LibraryModule, StatsModule],
  controllers: [HistoryController],
  providers: [
    HistoryService,
    PartitionUpkeepService,
    HistoryRepository,
    PlayRecorder,
    // here rather than in LibraryModule: they take the user's recording lock
    LibraryMembershipService,
    TrackResolutionService,
    TrackMergeService,
  ],
  exports: [
    PlayRecorder,
    HistoryRepository,
    LibraryMembershipService,
    TrackResolutionService,
    TrackMergeService,
  ],
})
export class HistoryModule {}
