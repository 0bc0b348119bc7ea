import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { HistoryModule } from '../history/history.module.js';
import { LibraryModule } from '../library/library.module.js';
import { BenchRepository } from './bench.repository.js';
import { BenchService } from './bench.service.js';
import { SmartPairs } from './smart-pairs.js';
import { StatsPairs } from './stats-pairs.js';
import { SmartPlaylistsModule } from '../smart-playlists/smart-playlists.module.js';
import { StatsModule } from '../stats/stats.module.js';

@Module({
  imports: [LibraryModule, HistoryModule, AuthModule, StatsModule, SmartPlaylistsModule],
  providers: [BenchService, BenchRepository, StatsPairs, SmartPairs],
  exports: [BenchService],
})
export class BenchModule {}
