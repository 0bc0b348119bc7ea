import { Module } from '@nestjs/common';
import { PartitionUpkeepService } from './partition-upkeep.service.js';

@Module({
  providers: [PartitionUpkeepService],
})
export class HistoryModule {}
