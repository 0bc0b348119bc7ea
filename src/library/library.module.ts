import { Module } from '@nestjs/common';
import { LibraryRepository } from './library.repository.js';
import { TrackListRepository } from './track-list.repository.js';
import { TracksController } from './tracks.controller.js';
import { TracksService } from './tracks.service.js';

@Module({
  controllers: [TracksController],
  providers: [LibraryRepository, TrackListRepository, TracksService],
  exports: [LibraryRepository, TrackListRepository],
})
export class LibraryModule {}
