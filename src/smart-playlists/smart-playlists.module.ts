import { Module } from '@nestjs/common';
import { LibraryModule } from '../library/library.module.js';
import { SmartPlaylistsImportService } from './smart-playlists-import.service.js';
import { SmartPlaylistsController } from './smart-playlists.controller.js';
import { SmartPlaylistsRefresher } from './smart-playlists-refresher.service.js';
import { SmartPlaylistsRepository } from './smart-playlists.repository.js';
import { SmartPlaylistsService } from './smart-playlists.service.js';

@Module({
  imports: [LibraryModule],
  controllers: [SmartPlaylistsController],
  providers: [
    SmartPlaylistsRepository,
    SmartPlaylistsService,
    SmartPlaylistsImportService,
    SmartPlaylistsRefresher,
  ],
  exports: [SmartPlaylistsService, SmartPlaylistsRepository],
})
export class SmartPlaylistsModule {}
