import { Module } from '@nestjs/common';
import { BrowseController } from './browse.controller.js';
import { BrowseRepository } from './browse.repository.js';
import { BrowseService } from './browse.service.js';
import { GenresController } from './genres.controller.js';
import { GenresRepository } from './genres.repository.js';
import { GenresService } from './genres.service.js';
import { LibraryRepository } from './library.repository.js';
import { TrackListRepository } from './track-list.repository.js';
import { PlaylistsController } from './playlists.controller.js';
import { PlaylistsRepository } from './playlists.repository.js';
import { PlaylistsService } from './playlists.service.js';
import { TagsController } from './tags.controller.js';
import { TagsRepository } from './tags.repository.js';
import { TagsService } from './tags.service.js';
import { TracksController } from './tracks.controller.js';
import { TracksService } from './tracks.service.js';

@Module({
  controllers: [
    TracksController,
    TagsController,
    PlaylistsController,
    BrowseController,
    GenresController,
  ],
  providers: [
    LibraryRepository,
    TrackListRepository,
    TracksService,
    TagsRepository,
    TagsService,
    PlaylistsRepository,
    PlaylistsService,
    BrowseRepository,
    BrowseService,
    GenresRepository,
    GenresService,
  ],
  exports: [
    LibraryRepository,
    TrackListRepository,
    BrowseRepository,
    TracksService,
    PlaylistsService,
  ],
})
export class LibraryModule {}
