import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { LabelStatsRepository } from './label-stats.repository.js';
import { RollupsRepository } from './rollups.repository.js';

export const ROLLUPS_JOB = 'stats.rollups';

/**
 * Rebuilds rollups that await it: right after a user changes time zone (in
 * this process, in the background), and every few minutes for any user whose
 * rollups are stale (after the migration that made them, or a rebuild cut
 * short by a restart). The same for tag and genre figures, which also lag
 * when the catalog's genres of one of the user's artists change. Answers
 * stay right meanwhile: statistics read the plays while a user's rollups are
 * not usable.
 */
@Injectable()
export class RollupsRebuilder implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RollupsRebuilder.name);
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly rollups: RollupsRepository,
    private readonly labels: LabelStatsRepository,
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
    return this.once(`rollups:${userId}`, () => this.rollups.rebuild(userId));
  }

  /** Starts a rebuild of the user's tag and genre figures unless one is under way. */
  rebuildLabelStatsSoon(userId: number): Promise<void> {
    return this.once(`labels:${userId}`, () => this.labels.rebuild(userId));
  }

  /** Rebuilds the rollups and the tag and genre figures that await it; returns how many users. */
  async rebuildStale(): Promise<number> {
    const users = await this.rollups.staleUserIds();
    for (const userId of users) await this.rebuildSoon(userId);
    const labelUsers = await this.labels.staleUserIds();
    for (const userId of labelUsers) await this.rebuildLabelStatsSoon(userId);
    return new Set([...users, ...labelUsers]).size;
  }

  /** Runs `work` unless the same work is under way, then once more after it (it may have begun early). */
  private once(key: string, work: () => Promise<void>): Promise<void> {
    const running = this.running.get(key);
    if (running) return running.then(() => this.once(key, work));
    const started = work()
      .catch((error: unknown) => this.logger.error(error))
      .finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }
}
