import { Injectable, Logger } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user.js';
import { SmartPlaylistsService } from '../../smart-playlists/smart-playlists.service.js';
import { LibraryRepository } from '../../library/library.repository.js';
import { AppMetrics, type SyncOperation } from '../../ops/metrics/app-metrics.service.js';
import { SpotifyAccountRepository } from '../spotify-account.repository.js';
import { SpotifyApiFactory } from '../spotify-api.client.js';
import { asApiError } from '../spotify-failures.js';
import { ArtistDetailsService } from './artist-details.service.js';
import { LibrarySyncService, type LibrarySyncMode } from './library-sync.service.js';
import { RecentPlaysService } from './recent-plays.service.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { TrackSearchService } from './track-search.service.js';

export interface SyncSummary {
  mode: LibrarySyncMode;
  /** liked tracks after the sync */
  savedTracks: number;
  /** tracks that joined the library */
  newTracks: number;
  /** liked tracks no longer saved on Spotify (full sync) */
  unliked: number;
  /** plays recorded from the recently played list */
  plays: number;
  /** artists whose details were read */
  artists: number;
  /** imported tracks that got their Spotify id */
  resolved: number;
  seconds: number;
}

/**
 * A whole sync with Spotify, in the order each step needs the one before:
 * the library (creates the tracks and artists), recent plays, artist
 * details, then the search for imported tracks without a Spotify id. Each
 * step keeps its own checkpoint, so a sync that stops resumes where it was.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    private readonly clients: SpotifyApiFactory,
    private readonly library: LibrarySyncService,
    private readonly recent: RecentPlaysService,
    private readonly artistDetails: ArtistDetailsService,
    private readonly search: TrackSearchService,
    private readonly states: SyncStateRepository,
    private readonly libraryTracks: LibraryRepository,
    private readonly smartPlaylists: SmartPlaylistsService,
    private readonly accounts: SpotifyAccountRepository,
    private readonly metrics: AppMetrics,
  ) {}

  async sync(
    user: AuthUser,
    options: { mode?: LibrarySyncMode | undefined },
    progress: (done: number, total: number) => void = () => undefined,
  ): Promise<SyncSummary> {
    const started = performance.now();
    const api = this.clients.forUser(user.id);
    try {
      const library = await this.library.run(user.id, api, options.mode, progress);
      const plays = await this.recent.poll(user.id, api, 'skip');
      const artists = await this.artistDetails.describe(user.id, api);
      const resolved = await this.search.resolveUnresolved(user.id, api);
      await this.smartPlaylists.refreshAll(user.id).catch((error: unknown) => {
        this.logger.warn(`Smart playlists were not refreshed after the sync: ${String(error)}`);
      });
      const summary: SyncSummary = {
        mode: library.mode,
        savedTracks: await this.libraryTracks.countLiked(user.id),
        newTracks: library.newTracks,
        unliked: library.unliked,
        plays,
        artists,
        resolved,
        seconds: Number(((performance.now() - started) / 1000).toFixed(2)),
      };
      await this.accounts.recordSync(user.id, summary);
      return summary;
    } catch (error) {
      throw this.failed('sync', error);
    }
  }

  /** Only the recently played list: what the schedule runs. */
  async pollRecent(user: AuthUser): Promise<number> {
    try {
      return await this.recent.poll(user.id, this.clients.forUser(user.id));
    } catch (error) {
      throw this.failed('poll_recent', error);
    }
  }

  /** What a failure means for the caller, counted by the kind it turned out to be. */
  private failed(operation: SyncOperation, error: unknown): unknown {
    const failure = asApiError(error);
    this.metrics.syncFailed(operation, failure);
    return failure;
  }

  async status(user: AuthUser) {
    const [states, lastSync] = await Promise.all([
      this.states.list(user.id),
      this.accounts.lastSync(user.id),
    ]);
    return {
      lastSync: lastSync ? { ...(lastSync.summary as SyncSummary), finishedAt: lastSync.at } : null,
      items: states.map((s) => ({
        kind: s.kind,
        status: s.status,
        done: s.items_done,
        total: s.items_total,
        startedAt: s.started_at,
        finishedAt: s.finished_at,
        lastSuccessAt: s.last_success_at,
        lastError: s.last_error,
      })),
    };
  }
}
