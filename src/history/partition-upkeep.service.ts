import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { PlayHistoryPartitions } from '../db/partitions.js';

export const PARTITION_UPKEEP_JOB = 'history.partitions.ensure';

/** Creates next months' history partitions every day, in their own short transactions. */
@Injectable()
export class PartitionUpkeepService implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly partitions: PlayHistoryPartitions,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: PARTITION_UPKEEP_JOB,
      cron: '17 3 * * *',
      handler: async () => {
        await this.partitions.ensure(new Date());
      },
    });
  }
}
