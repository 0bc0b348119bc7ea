import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { LibraryModule } from '../library/library.module.js';
import { DatabaseOpsModule } from '../ops/database/database-ops.module.js';
import { SmartPlaylistsModule } from '../smart-playlists/smart-playlists.module.js';
import { StatsModule } from '../stats/stats.module.js';
import { UsersModule } from '../users/users.module.js';
import { ExportImportService } from './export-import.service.js';
import { ImportFingerprintsRepository } from './import-fingerprints.repository.js';
import { ImportsController } from './imports.controller.js';
import { ImportsRepository } from './imports.repository.js';
import { ImportsService } from './imports.service.js';

@Module({
  imports: [
    CatalogModule,
    DatabaseOpsModule,
    HistoryModule,
    LibraryModule,
    SmartPlaylistsModule,
    StatsModule,
    UsersModule,
  ],
  controllers: [ImportsController],
  providers: [ExportImportService, ImportFingerprintsRepository, ImportsRepository, ImportsService],
  exports: [ExportImportService],
})
export class ImportsModule {}
