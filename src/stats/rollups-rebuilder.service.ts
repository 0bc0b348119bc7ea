import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { RollupsRepository } from './rollups.repository.js';

export const ROLLUPS_JOB = 'stats.rollups';

/**
 * Rebuilds rollups that await it: right after a user changes time zone (in
 * this process, in the background), and every few minutes for any user whose
 * rollups are stale (after the migration that made them, or a rebuild cut
 * short by a restart). Answers stay right meanwhile: statistics read the
 * plays while a user's rollups are not usable.
 */
@Injectable()
export class RollupsRebuilder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RollupsRebuilder.name);
  private readonly running = new Map<number, Promise<void>>();

  constructor(
    private readonly rollups: RollupsRepository,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: ROLLUPS_JOB,
      cron: '*/10 * * * *',
      handler: async () => {
        await this.rebuildStale();
      },
    });
  }

  /** Starts a rebuild of the user's rollups unless one is under way; resolves when it ends. */
  rebuildSoon(userId: number): Promise<void> {
    const running = this.running.get(userId);
    if (running) return running.then(() => this.rebuildSoon(userId));
    const work = this.rollups
      .rebuild(userId)
      .catch((error: unknown) => this.logger.error(error))
      .finally(() => this.running.delete(userId));
    this.running.set(userId, work);
    return work;
  }

  async rebuildStale(): Promise<number> {
    const users = await this.rollups.staleUserIds();
    for (const userId of users) await this.rebuildSoon(userId);
    return users.length;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
