import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { HistoryModule } from '../history/history.module.js';
import { LibraryModule } from '../library/library.module.js';
import { UsersModule } from '../users/users.module.js';
import { ExportImportService } from './export-import.service.js';

@Module({
  imports: [CatalogModule, HistoryModule, LibraryModule, UsersModule],
  providers: [ExportImportService],
  exports: [ExportImportService],
})
export class ImportsModule {}
