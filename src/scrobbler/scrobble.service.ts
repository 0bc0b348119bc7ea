import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import type { TrackMetadata } from '../catalog/track-metadata.js';
import { PlayRecorder, type RecordResult } from '../history/play-recorder.service.js';
import { TrackResolutionService } from '../library/track-resolution.service.js';
import { spotifyTrackId, type Listen, type SubmitListens } from './listenbrainz.dto.js';

/**
 * Listens from any ListenBrainz scrobbler. A listen's time is when it
 * started; the play is recorded at its end (start + duration). A scrobbler
 * only submits what it counted as a listen, so a scrobble is never a skip.
 */
@Injectable()
export class ScrobbleService {
  constructor(
    private readonly tracks: TrackResolutionService,
    private readonly recorder: PlayRecorder,
  ) {}

  async submit(user: AuthUser, body: SubmitListens): Promise<RecordResult> {
    if (body.listen_type === 'playing_now') return { inserted: 0, skips: 0, duplicates: 0 };
    const trackIds = await this.tracks.resolve(body.payload.map(toMetadata));
    return this.recorder.record(
      user.id,
      body.payload.map((listen, index) => {
        const durationMs = durationOf(listen) ?? 0;
        return {
          trackId: trackIds[index]!,
          playedAt: new Date(listen.listened_at! * 1000 + durationMs),
          msPlayed: durationMs,
          source: 'listenbrainz' as const,
          skipped: false,
        };
      }),
    );
  }
}

function toMetadata(listen: Listen): TrackMetadata {
  const meta = listen.track_metadata;
  const info = meta.additional_info;
  return {
    spotifyId: spotifyTrackId(info?.spotify_id) ?? spotifyTrackId(info?.spotify_track_uri),
    artistName: meta.artist_name,
    trackName: meta.track_name,
    albumName: meta.release_name,
    durationMs: durationOf(listen),
  };
}

function durationOf(listen: Listen): number | undefined {
  const info = listen.track_metadata.additional_info;
  return info?.duration_ms ?? (info?.duration === undefined ? undefined : info.duration * 1000);
}
