import { Module } from '@nestjs/common';
import { LibraryModule } from '../library/library.module.js';
import { BenchService } from './bench.service.js';

@Module({
  imports: [LibraryModule],
  providers: [BenchService],
  exports: [BenchService],
})
export class BenchModule {}
