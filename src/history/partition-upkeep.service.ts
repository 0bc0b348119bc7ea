import { Injectable, type OnModuleInit } from '@nestjs/common';
import { PlayHistoryArchiver, PlayHistoryPartitions } from '../db/partitions.js';
import { JobsService } from '../jobs/jobs.service.js';

export const PARTITION_UPKEEP_JOB = 'history.partitions.ensure';
export const ARCHIVAL_JOB = 'history.archive';

/**
 * Daily: create next months' history partitions (each in its own short
 * transaction), and move months past the hot window to the archive.
 */
@Injectable()
export class PartitionUpkeepService implements OnModuleInit {
  constructor(
    private readonly jobs: JobsService,
    private readonly partitions: PlayHistoryPartitions,
    private readonly archiver: PlayHistoryArchiver,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: PARTITION_UPKEEP_JOB,
      cron: '17 3 * * *',
      handler: async () => {
        await this.partitions.ensure(new Date());
      },
    });
    this.jobs.define({
      name: ARCHIVAL_JOB,
      cron: '37 3 * * *',
      handler: async () => {
        await this.archiver.archive(new Date());
      },
    });
  }
}
