import { Module } from '@nestjs/common';
import { LibraryRepository } from './library.repository.js';
import { TrackListRepository } from './track-list.repository.js';

@Module({
  providers: [LibraryRepository, TrackListRepository],
  exports: [LibraryRepository, TrackListRepository],
})
export class LibraryModule {}
