import { Injectable } from '@nestjs/common';
import { sortKey } from '../../db/sort-key.js';
import type { SpotifyApi } from '../spotify-api.client.js';
import type { SpotifyTrack } from '../spotify-api.types.js';
import { SpotifyCatalogRepository } from '../spotify-catalog.repository.js';
import { syncRunning } from './library-sync.service.js';
import { SpotifyTrackImporter, isCatalogTrack } from './spotify-track-importer.service.js';
import { SyncStateRepository } from './sync-state.repository.js';

/** Unresolved tracks searched per round, in parallel up to the client's cap. */
const BATCH = 50;

/**
 * Gives the user's unresolved tracks (imported without a Spotify id) their
 * Spotify id by searching artist + title. Only an exact match counts: same
 * primary artist and title once case and accents are folded. The matched
 * track goes through the catalog's resolution, which resolves the
 * unresolved track in place or merges it into a resolved twin. The
 * checkpoint is the last of the user's tracks searched, so a track is searched
 * once, not on every sync.
 */
@Injectable()
export class TrackSearchService {
  constructor(
    private readonly states: SyncStateRepository,
    private readonly catalog: SpotifyCatalogRepository,
    private readonly importer: SpotifyTrackImporter,
  ) {}

  /** Returns how many tracks were resolved. */
  async resolveUnresolved(userId: number, api: SpotifyApi): Promise<number> {
    const claim = await this.states.claim(userId, 'resolution');
    if (!claim) throw syncRunning('track resolution');
    let cursor = Number(claim.checkpoint ?? 0) || 0;
    let resolved = 0;
    try {
      for (;;) {
        const tracks = await this.catalog.unresolvedTracksOf(userId, cursor, BATCH);
        if (tracks.length === 0) break;
        const found = await Promise.all(
          tracks.map(async (t) => exactMatch(t, await api.searchTracks(t.artist_name, t.name))),
        );
        const matches = found.filter((t): t is SpotifyTrack => t !== undefined);
        await this.importer.importTracks(matches);
        resolved += matches.length;
        cursor = tracks.at(-1)!.id;
        await this.states.progress(userId, 'resolution', {
          checkpoint: String(cursor),
          done: resolved,
          total: null,
        });
      }
      await this.states.complete(userId, 'resolution', String(cursor));
      return resolved;
    } catch (error) {
      await this.states.fail(userId, 'resolution', String(error));
      throw error;
    }
  }
}

function exactMatch(
  wanted: { name: string; artist_name: string },
  result: { tracks: { items: SpotifyTrack[] } },
): SpotifyTrack | undefined {
  const artist = sortKey(wanted.artist_name);
  const title = sortKey(wanted.name);
  return result.tracks.items.find(
    (t) => isCatalogTrack(t) && sortKey(t.artists[0]!.name) === artist && sortKey(t.name) === title,
  );
}
