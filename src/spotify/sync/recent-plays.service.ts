import { Injectable } from '@nestjs/common';
import { PlayRecorder } from '../../history/play-recorder.service.js';
import type { SpotifyApi } from '../spotify-api.client.js';
import { SpotifyTrackImporter, isCatalogTrack } from './spotify-track-importer.service.js';
import { SyncStateRepository } from './sync-state.repository.js';
import { syncRunning } from './library-sync.service.js';

/**
 * Spotify's recently played list into history. Spotify keeps only the last
 * 50 plays, so this runs every 30 minutes by default; the `after` cursor
 * (the newest play seen, Unix ms) is kept between runs, and the recording
 * service drops a play already known from another source (the export).
 */
@Injectable()
export class RecentPlaysService {
  constructor(
    private readonly states: SyncStateRepository,
    private readonly importer: SpotifyTrackImporter,
    private readonly recorder: PlayRecorder,
  ) {}

  /**
   * Records the plays since the last poll; returns how many were new. When a
   * poll is running already, `skip` returns 0 (a whole sync goes on with its
   * other steps); else 409.
   */
  async poll(userId: number, api: SpotifyApi, whenBusy: 'skip' | 'refuse' = 'refuse') {
    const claim = await this.states.claim(userId, 'recently_played');
    if (!claim && whenBusy === 'skip') return 0;
    if (!claim) throw syncRunning('recently played');
    const after = claim.checkpoint === null ? undefined : Number(claim.checkpoint);
    try {
      const page = await api.recentlyPlayed(Number.isSafeInteger(after) ? after : undefined);
      const plays = page.items.filter((p) => isCatalogTrack(p.track));
      const trackIds = await this.importer.importTracks(plays.map((p) => p.track));
      const result = await this.recorder.record(
        userId,
        plays.map((play, i) => ({
          trackId: trackIds[i]!,
          // Spotify lists a track once it counts as played; it does not say for how long.
          playedAt: new Date(play.played_at),
          msPlayed: play.track.duration_ms,
          source: 'spotify_recent' as const,
          skipped: false,
        })),
      );
      const newest = Math.max(after ?? 0, ...plays.map((p) => Date.parse(p.played_at)));
      await this.states.complete(userId, 'recently_played', newest > 0 ? String(newest) : null);
      return result.inserted;
    } catch (error) {
      await this.states.fail(userId, 'recently_played', String(error));
      throw error;
    }
  }
}
