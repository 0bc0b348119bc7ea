import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobsService } from '../jobs/jobs.service.js';
import { SmartPlaylistsService } from './smart-playlists.service.js';

export const SMART_REFRESH_JOB = 'smart-playlists.refresh';

/**
 * Keeps materialised smart playlists current for what reads them (push to
 * Spotify, IN_PLAYLIST rules): hourly, for relative dates and new plays;
 * imports refresh their user's at the end.
 */
@Injectable()
export class SmartPlaylistsRefresher implements OnModuleInit {
  private readonly logger = new Logger(SmartPlaylistsRefresher.name);

  constructor(
    private readonly smart: SmartPlaylistsService,
    private readonly jobs: JobsService,
  ) {}

  onModuleInit(): void {
    this.jobs.define({
      name: SMART_REFRESH_JOB,
      cron: '7 * * * *',
      handler: async () => {
        await this.refreshEveryone();
      },
    });
  }

  async refreshEveryone(): Promise<number> {
    let refreshed = 0;
    for (const userId of await this.smart.owners())
      refreshed += await this.smart.refreshAll(userId);
    return refreshed;
  }
}
