import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/** Which of the user's playlists: manual ones, or smart ones as last materialised. */
export type PushKind = 'playlist' | 'smart';

export interface PushTarget {
  name: string;
  description: string | null;
  spotifyPlaylistId: string | null;
  spotifySnapshotId: string | null;
  /** a push began creating the Spotify playlist and did not store it */
  createStartedAt: Date | null;
  /** a smart playlist never materialised yet (null for manual playlists) */
  evaluatedAt: Date | null;
}

export interface PushEntry {
  userTrackId: number;
  name: string;
  spotifyId: string | null;
}

const TABLE = { playlist: 'playlist', smart: 'smart_playlist' } as const;

/** What a playlist push reads (the playlist and its tracks in order) and remembers. */
@Injectable()
export class PlaylistPushRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async target(userId: number, kind: PushKind, id: number): Promise<PushTarget | undefined> {
    if (kind === 'playlist') {
      const row = await this.db
        .selectFrom('playlist')
        .select(TARGET_COLUMNS)
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ...targetOf(row), evaluatedAt: null };
    }
    const row = await this.db
      .selectFrom('smart_playlist')
      .select([...TARGET_COLUMNS, 'evaluated_at'])
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { ...targetOf(row), evaluatedAt: row.evaluated_at };
  }

  /** The playlist's tracks in order, with their Spotify ids (null: known by name only). */
  async entries(userId: number, kind: PushKind, id: number): Promise<PushEntry[]> {
    const base =
      kind === 'playlist'
        ? this.db
            .selectFrom('playlist_track as e')
            .where('e.playlist_id', '=', id)
            .orderBy('e.position')
            .orderBy('e.id')
        : this.db
            .selectFrom('smart_playlist_track as e')
            .where('e.smart_playlist_id', '=', id)
            .orderBy('e.position');
    const rows = await base
      .innerJoin('user_track as ut', (join) =>
        join.onRef('ut.user_id', '=', 'e.user_id').onRef('ut.id', '=', 'e.user_track_id'),
      )
      .innerJoin('track as t', 't.id', 'ut.track_id')
      .select(['ut.id as user_track_id', 't.name', 't.spotify_id'])
      .where('e.user_id', '=', userId)
      .execute();
    return rows.map((r) => ({
      userTrackId: r.user_track_id,
      name: r.name,
      spotifyId: r.spotify_id,
    }));
  }

  /**
   * Set before creating the Spotify playlist (the next push then looks for
   * one this push made); cleared when Spotify refused the create.
   */
  async markCreating(userId: number, kind: PushKind, id: number, creating: boolean): Promise<void> {
    await this.db
      .updateTable(TABLE[kind])
      .set({ spotify_create_started_at: creating ? new Date() : null })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
  }

  /** The Spotify playlists the user's playlists and smart playlists are pushed to. */
  async pushedSpotifyIds(userId: number): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('playlist')
      .select('spotify_playlist_id')
      .where('user_id', '=', userId)
      .where('spotify_playlist_id', 'is not', null)
      .unionAll((db) =>
        db
          .selectFrom('smart_playlist')
          .select('spotify_playlist_id')
          .where('user_id', '=', userId)
          .where('spotify_playlist_id', 'is not', null),
      )
      .execute();
    return new Set(rows.map((r) => r.spotify_playlist_id!));
  }

  /** After each write to Spotify: a push stopped half-way is not mistaken for a change made there. */
  async recordPush(
    userId: number,
    kind: PushKind,
    id: number,
    remote: { spotifyPlaylistId: string; snapshotId: string },
  ): Promise<void> {
    await this.db
      .updateTable(TABLE[kind])
      .set({
        spotify_playlist_id: remote.spotifyPlaylistId,
        spotify_snapshot_id: remote.snapshotId,
        spotify_create_started_at: null,
        pushed_at: new Date(),
      })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
  }
}

const TARGET_COLUMNS = [
  'name',
  'description',
  'spotify_playlist_id',
  'spotify_snapshot_id',
  'spotify_create_started_at',
] as const;

function targetOf(row: {
  name: string;
  description: string | null;
  spotify_playlist_id: string | null;
  spotify_snapshot_id: string | null;
  spotify_create_started_at: Date | null;
}) {
  return {
    name: row.name,
    description: row.description,
    spotifyPlaylistId: row.spotify_playlist_id,
    spotifySnapshotId: row.spotify_snapshot_id,
    createStartedAt: row.spotify_create_started_at,
  };
}
