import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { booleanArray, numberArray, textArray } from '../db/array-literal.js';
import { fromEpochMs } from '../db/epoch-ms.js';
import type { DB, PlaySource } from '../db/schema.js';
import { nameKey, sortKey } from '../db/sort-key.js';
import { deleteUserRowsWithoutCascade } from '../db/uncascaded-user-rows.js';
import type { PlayDelta } from '../history/history.repository.js';
import { rollupChanges } from '../stats/rollups.repository.js';

export interface LibraryState {
  userTrackId: number;
  liked: boolean;
  /** half stars */
  rating: number | null;
}

export interface PlaylistToRestore {
  name: string;
  description: string | null;
  spotifyPlaylistId: string | null;
  spotifySnapshotId: string | null;
  pushedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface SmartStateToRestore {
  randomSeed: number;
  evaluatedAt: Date | null;
  spotifyPlaylistId: string | null;
  spotifySnapshotId: string | null;
  pushedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PlayToRestore {
  userTrackId: number;
  playedAt: Date;
  msPlayed: number;
  source: PlaySource;
  skipped: boolean;
  reasonStart: string | null;
  reasonEnd: string | null;
}

const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

/**
 * What a restore writes beyond what the library, playlist and history
 * repositories offer: a user's rows as the archive states them (dates,
 * order keys, seeds), each batch in one statement. Every statement is
 * scoped by the user.
 */
@Injectable()
export class BackupRestoreRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Whether the user owns anything a restore would write (settings aside). */
  async hasData(userId: number): Promise<boolean> {
    const owned = (table: string) =>
      sql`EXISTS (SELECT 1 FROM ${sql.table(table)} WHERE user_id = ${userId})`;
    const tables = [
      'user_track',
      'tag',
      'playlist',
      'smart_playlist',
      'user_artist_genre',
      'play_history',
      'play_history_archive',
    ];
    const { rows } = await sql<{ has: boolean }>`
      SELECT ${sql.join(tables.map(owned), sql` OR `)} AS has`.execute(this.db);
    return rows[0]!.has;
  }

  async displayName(userId: number): Promise<string | null> {
    const row = await this.db
      .selectFrom('app_user')
      .select('display_name')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.display_name;
  }

  async setDisplayName(userId: number, displayName: string | null): Promise<void> {
    await this.db
      .updateTable('app_user')
      .set({ display_name: displayName, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
  }

  /** Creates the tags (a name the user has already keeps its tag); their ids by name key. */
  async insertTags(
    userId: number,
    tags: readonly { name: string; color: string | null; createdAt: Date }[],
  ): Promise<Map<string, number>> {
    const keys = tags.map((t) => nameKey(t.name));
    await sql`
      INSERT INTO tag (user_id, name, name_key, sort_key, color, created_at)
      SELECT ${userId}, n.name, n.name_key, n.sort_key, n.color, n.created_at
      FROM unnest(${textArray(tags.map((t) => t.name))}::text[], ${textArray(keys)}::text[],
        ${textArray(tags.map((t) => sortKey(t.name)))}::text[], ${textArray(tags.map((t) => t.color))}::text[],
        ${textArray(tags.map((t) => t.createdAt.toISOString()))}::timestamptz[])
        AS n(name, name_key, sort_key, color, created_at)
      ON CONFLICT (user_id, name_key) DO NOTHING`.execute(this.db);
    const rows = await this.db
      .selectFrom('tag')
      .select(['id', 'name_key'])
      .where('user_id', '=', userId)
      .where(sql<boolean>`name_key = ANY(${textArray(keys)}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.name_key, r.id]));
  }

  /**
   * Liked flags and ratings of user tracks. A track two archive tracks stand
   * for (twins that resolve to one catalog track) stays liked if either was,
   * and keeps the rating it got first.
   */
  async setLibraryState(
    trx: Transaction<DB>,
    userId: number,
    states: readonly LibraryState[],
  ): Promise<void> {
    if (states.length === 0) return;
    await sql`
      UPDATE user_track ut SET liked = ut.liked OR n.liked, rating = coalesce(ut.rating, n.rating),
        updated_at = now()
      FROM unnest(${numberArray(states.map((s) => s.userTrackId))}::bigint[],
        ${booleanArray(states.map((s) => s.liked))}::boolean[],
        ${textArray(states.map((s) => (s.rating === null ? null : String(s.rating))))}::smallint[]) AS n(id, liked, rating)
      WHERE ut.user_id = ${userId} AND ut.id = n.id`.execute(trx);
  }

  async tagTracks(
    trx: Transaction<DB>,
    userId: number,
    pairs: readonly { userTrackId: number; tagId: number }[],
  ): Promise<void> {
    if (pairs.length === 0) return;
    await sql`
      INSERT INTO track_tag (user_id, user_track_id, tag_id)
      SELECT ${userId}, n.user_track_id, n.tag_id
      FROM unnest(${numberArray(pairs.map((p) => p.userTrackId))}::bigint[],
        ${numberArray(pairs.map((p) => p.tagId))}::bigint[]) AS n(user_track_id, tag_id)
      ON CONFLICT DO NOTHING`.execute(trx);
  }

  /** The user's own genre edits on artists; new genre names join the shared list. */
  async insertUserGenres(
    userId: number,
    edits: readonly { artistId: number; genre: string; assigned: boolean }[],
  ): Promise<void> {
    if (edits.length === 0) return;
    const names = [...new Set(edits.map((e) => e.genre))].sort();
    await this.db.transaction().execute(async (trx) => {
      await sql`INSERT INTO genre (name, sort_name)
        SELECT * FROM unnest(${textArray(names)}::text[], ${textArray(names.map(sortKey))}::text[])
        ON CONFLICT (name) DO NOTHING`.execute(trx);
      await sql`
        INSERT INTO user_artist_genre (user_id, artist_id, genre_id, assigned)
        SELECT ${userId}, n.artist_id, g.id, n.assigned
        FROM unnest(${numberArray(edits.map((e) => e.artistId))}::bigint[],
          ${textArray(edits.map((e) => e.genre))}::text[],
          ${booleanArray(edits.map((e) => e.assigned))}::boolean[]) AS n(artist_id, name, assigned)
        JOIN genre g ON g.name = n.name
        ON CONFLICT (user_id, artist_id, genre_id) DO NOTHING`.execute(trx);
    });
  }

  /**
   * Creates the playlists with their dates and Spotify link; their new ids
   * in input order. The ids are drawn first, so each row's id is known
   * without relying on the order RETURNING gives rows in.
   */
  async insertPlaylists(
    userId: number,
    playlists: readonly PlaylistToRestore[],
  ): Promise<number[]> {
    if (playlists.length === 0) return [];
    const { rows } = await sql<{ id: number }>`
      SELECT nextval(pg_get_serial_sequence('playlist', 'id')) AS id
      FROM generate_series(1, ${playlists.length})`.execute(this.db);
    const ids = rows.map((r) => r.id);
    const column = <T>(pick: (p: PlaylistToRestore) => T) => playlists.map(pick);
    await sql`
      INSERT INTO playlist (id, user_id, name, description, spotify_playlist_id, spotify_snapshot_id,
        pushed_at, created_at, updated_at)
      OVERRIDING SYSTEM VALUE
      SELECT n.id, ${userId}, n.name, n.description, n.spotify_playlist_id, n.spotify_snapshot_id,
        n.pushed_at, n.created_at, n.updated_at
      FROM unnest(${numberArray(ids)}::bigint[], ${textArray(column((p) => p.name))}::text[],
        ${textArray(column((p) => p.description))}::text[],
        ${textArray(column((p) => p.spotifyPlaylistId))}::text[],
        ${textArray(column((p) => p.spotifySnapshotId))}::text[],
        ${textArray(column((p) => isoOrNull(p.pushedAt)))}::timestamptz[],
        ${textArray(column((p) => p.createdAt.toISOString()))}::timestamptz[],
        ${textArray(column((p) => p.updatedAt.toISOString()))}::timestamptz[])
        AS n(id, name, description, spotify_playlist_id, spotify_snapshot_id, pushed_at, created_at,
          updated_at)`.execute(this.db);
    return ids;
  }

  /** Playlist entries with their order keys as they were (so the order is the same). */
  async insertPlaylistEntries(
    userId: number,
    entries: readonly {
      playlistId: number;
      userTrackId: number;
      position: string;
      addedAt: Date;
    }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await sql`
      INSERT INTO playlist_track (user_id, playlist_id, user_track_id, position, added_at)
      SELECT ${userId}, n.playlist_id, n.user_track_id, n.position, ${fromEpochMs('added_ms')}
      FROM unnest(${numberArray(entries.map((e) => e.playlistId))}::bigint[],
        ${numberArray(entries.map((e) => e.userTrackId))}::bigint[],
        ${textArray(entries.map((e) => e.position))}::text[],
        ${numberArray(entries.map((e) => e.addedAt.getTime()))}::bigint[])
        AS n(playlist_id, user_track_id, position, added_ms)`.execute(this.db);
  }

  /** A restored smart playlist's seed, last refresh, Spotify link and dates. */
  async setSmartState(userId: number, id: number, state: SmartStateToRestore): Promise<void> {
    await sql`
      UPDATE smart_playlist SET random_seed = ${state.randomSeed},
        evaluated_at = ${state.evaluatedAt}::timestamptz,
        spotify_playlist_id = ${state.spotifyPlaylistId}, spotify_snapshot_id = ${state.spotifySnapshotId},
        pushed_at = ${state.pushedAt}::timestamptz,
        created_at = ${state.createdAt}::timestamptz, updated_at = ${state.updatedAt}::timestamptz
      WHERE user_id = ${userId} AND id = ${id}`.execute(this.db);
  }

  /** A smart playlist's last refresh as it was (a track two archive tracks stand for: once). */
  async insertSmartEntries(
    userId: number,
    entries: readonly { smartPlaylistId: number; userTrackId: number; position: number }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    await sql`
      INSERT INTO smart_playlist_track (user_id, smart_playlist_id, position, user_track_id)
      SELECT ${userId}, n.smart_playlist_id, n.position, n.user_track_id
      FROM unnest(${numberArray(entries.map((e) => e.smartPlaylistId))}::bigint[],
        ${numberArray(entries.map((e) => e.position))}::int[],
        ${numberArray(entries.map((e) => e.userTrackId))}::bigint[])
        AS n(smart_playlist_id, position, user_track_id)
      ON CONFLICT DO NOTHING`.execute(this.db);
  }

  /**
   * Writes plays exactly as the archive states them, each into the table
   * that holds its month, in one statement, with the rollups (when kept);
   * returns what the inserted plays add to each user track's counters.
   * Unlike the recorder's insert, no play is matched against the others:
   * the archive is already one record per play (a restore refuses a user
   * who has plays), and matching would merge plays the source kept apart
   * (an account-data minute split across two batches). A play stated twice
   * (same track and end) is written once: the key decides.
   */
  async insertPlays(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PlayToRestore[],
    hotStart: Date,
    rollupZone: string | null,
  ): Promise<PlayDelta[]> {
    if (plays.length === 0) return [];
    const column = <K extends keyof PlayToRestore>(key: K) => plays.map((p) => p[key]);
    const insertInto = (table: 'play_history' | 'play_history_archive', hot: boolean) => sql`
      INSERT INTO ${sql.table(table)}
        (user_id, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
      SELECT ${userId}, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end
      FROM batch WHERE ${hot ? sql`played_at >= ${hotStart}` : sql`played_at < ${hotStart}`}
      ORDER BY played_at, user_track_id
      ON CONFLICT DO NOTHING
      RETURNING user_track_id, played_at, ms_played, skipped`;
    const { rows } = await sql<PlayDelta>`
      WITH batch AS MATERIALIZED (
        SELECT user_track_id, ${fromEpochMs('at_ms')} AS played_at, ms_played,
          source::play_source AS source, skipped, reason_start, reason_end
        FROM unnest(
          ${numberArray(column('userTrackId'))}::bigint[],
          ${numberArray(plays.map((p) => p.playedAt.getTime()))}::bigint[],
          ${numberArray(column('msPlayed'))}::int[], ${textArray(column('source'))}::text[],
          ${booleanArray(column('skipped'))}::boolean[], ${textArray(column('reasonStart'))}::text[],
          ${textArray(column('reasonEnd'))}::text[]
        ) AS n(user_track_id, at_ms, ms_played, source, skipped, reason_start, reason_end)
      ), hot AS (${insertInto('play_history', true)}),
      archived AS (${insertInto('play_history_archive', false)}),
      inserted AS (SELECT * FROM hot UNION ALL SELECT * FROM archived)
      ${rollupChanges(userId, rollupZone, 'inserted', 'add')}
      SELECT user_track_id AS "userTrackId",
        count(*) FILTER (WHERE NOT skipped)::int AS plays,
        count(*) FILTER (WHERE skipped)::int AS skips,
        sum(ms_played)::bigint AS "msPlayed",
        (extract(epoch FROM max(played_at) FILTER (WHERE NOT skipped)) * 1000)::bigint AS "lastPlayedMs"
      FROM inserted
      GROUP BY user_track_id`.execute(trx);
    return rows;
  }

  /**
   * Deletes everything a restore wrote for the user, in one transaction
   * (after a failed restore): plays and rollups first (nothing cascades to
   * them), then the library and what hangs on it, the user's playlists,
   * tags, genre edits and aggregates. The shared catalog keeps what the
   * restore added to it, as after any import.
   */
  async deleteUserData(trx: Transaction<DB>, userId: number): Promise<void> {
    await deleteUserRowsWithoutCascade(trx, userId);
    const tables = [
      'smart_playlist',
      'playlist',
      'user_track',
      'tag',
      'user_artist_genre',
      'user_artist',
      'user_album',
      'import_fingerprint',
    ] as const;
    for (const table of tables) {
      await trx.deleteFrom(table).where('user_id', '=', userId).execute();
    }
  }

  async deleteUser(trx: Transaction<DB>, userId: number): Promise<void> {
    await this.deleteUserData(trx, userId);
    await trx.deleteFrom('app_user').where('id', '=', userId).execute();
  }
}
