import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { LibraryModule } from '../library/library.module.js';
import { DatabaseOpsModule } from '../ops/database/database-ops.module.js';
import { SmartPlaylistsModule } from '../smart-playlists/smart-playlists.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { UsersModule } from '../users/users.module.js';
import { ArchiveLoader } from './archive-loader.service.js';
import { BackupCatalogRepository } from './backup-catalog.repository.js';
import { BackupExportRepository } from './backup-export.repository.js';
import { BackupExportService } from './backup-export.service.js';
import { BackupRestoreRepository } from './backup-restore.repository.js';
import { BackupRestoreService } from './backup-restore.service.js';
import { LibraryRestorer } from './library-restorer.service.js';
import { PlayRestorer } from './play-restorer.service.js';
import { PlaylistRestorer } from './playlist-restorer.service.js';

/** `spotlib export` and `spotlib restore`: a user's data as a portable archive and back. */
@Module({
  imports: [
    UsersModule,
    CatalogModule,
    LibraryModule,
    HistoryModule,
    StatsModule,
    SmartPlaylistsModule,
    DatabaseOpsModule,
  ],
  providers: [
    BackupExportRepository,
    BackupExportService,
    BackupRestoreRepository,
    BackupCatalogRepository,
    LibraryRestorer,
    PlaylistRestorer,
    PlayRestorer,
    ArchiveLoader,
    BackupRestoreService,
  ],
  exports: [BackupExportService, BackupRestoreService],
})
export class BackupModule {}
