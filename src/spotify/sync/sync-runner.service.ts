import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { ApiError } from '../../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import { JobsService } from '../../jobs/jobs.service.js';
import { SpotifyAccountRepository } from '../spotify-account.repository.js';
import { SpotifyAuthService } from '../spotify-auth.service.js';
import type { LibrarySyncMode } from './library-sync.service.js';
import { SyncService } from './sync.service.js';

export const POLL_RECENT_JOB = 'spotify.poll-recent';

/**
 * Syncs that run on their own: one started from the API runs in the
 * background of this process (its checkpoints make a restart resume it),
 * and the schedule polls every connected user's recent plays.
 */
@Injectable()
export class SyncRunner implements OnModuleInit {
  private readonly logger = new Logger(SyncRunner.name);
  private readonly running = new Set<number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sync: SyncService,
    private readonly auth: SpotifyAuthService,
    private readonly accounts: SpotifyAccountRepository,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: POLL_RECENT_JOB,
      cron: this.config.spotify.pollCron,
      handler: async () => {
        await this.pollEveryone();
      },
    });
  }

  async start(user: AuthUser, mode: LibrarySyncMode | undefined) {
    await this.auth.requireAccount(user.id);
    if (this.running.has(user.id)) {
      throw new ApiError(409, 'sync_running', 'A Spotify sync is already running for you');
    }
    this.running.add(user.id);
    void this.sync
      .sync(user, { mode })
      .catch((error: unknown) =>
        this.logger.warn(`Sync of user ${user.id} failed: ${String(error)}`),
      )
      .finally(() => this.running.delete(user.id));
    return { started: true };
  }

  /** Each connected user's recent plays; one user's failure does not stop the others. */
  async pollEveryone(): Promise<number> {
    let plays = 0;
    for (const userId of await this.accounts.connectedUsers()) {
      try {
        plays += await this.sync.pollRecent({ id: userId });
      } catch (error) {
        this.logger.warn(`Recent plays of user ${userId} were not fetched: ${String(error)}`);
      }
    }
    return plays;
  }
}
