import { Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB, GenreSource, PlaySource } from '../db/schema.js';
import type { RuleRow } from '../smart-playlists/rule-rows.js';

/**
 * What an export reads: one user's rows, with the catalog facts that name
 * their tracks. Every method takes the database to read from (the export's
 * snapshot transaction, or the database itself), and the big ones (tracks,
 * entries, plays) read one keyset page at a time.
 */
@Injectable()
export class BackupExportRepository {
  async profile(db: Kysely<DB>, userId: number) {
    return db
      .selectFrom('app_user as u')
      .innerJoin('user_settings as s', 's.user_id', 'u.id')
      .select(['u.username', 'u.display_name', 's.time_zone', 's.play_threshold_ms'])
      .where('u.id', '=', userId)
      .executeTakeFirstOrThrow();
  }

  /** Library tracks and recorded plays: what the progress counts. */
  async sizes(db: Kysely<DB>, userId: number) {
    const { rows } = await sql<{ tracks: number; plays: number }>`
      SELECT count(*)::int AS tracks, coalesce(sum(play_count + skip_count), 0)::bigint AS plays
      FROM user_track_stats WHERE user_id = ${userId}`.execute(db);
    return rows[0]!;
  }

  tags(db: Kysely<DB>, userId: number) {
    return db
      .selectFrom('tag')
      .select(['id', 'name', 'color', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  /** Artists credited on the user's tracks or carrying the user's genre edits, in id order. */
  async artistIds(db: Kysely<DB>, userId: number): Promise<number[]> {
    const { rows } = await sql<{ id: number }>`
      SELECT ta.artist_id AS id FROM user_track ut JOIN track_artist ta ON ta.track_id = ut.track_id
      WHERE ut.user_id = ${userId}
      UNION
      SELECT t.artist_id FROM user_track ut JOIN track t ON t.id = ut.track_id WHERE ut.user_id = ${userId}
      UNION
      SELECT artist_id FROM user_artist_genre WHERE user_id = ${userId}
      ORDER BY 1`.execute(db);
    return rows.map((r) => r.id);
  }

  async artists(db: Kysely<DB>, ids: readonly number[]) {
    const { rows } = await sql<{
      id: number;
      name: string;
      spotify_id: string | null;
      image_url: string | null;
      genres: { name: string; source: GenreSource }[];
    }>`
      SELECT a.id, a.name, a.spotify_id, a.image_url,
        coalesce((SELECT json_agg(json_build_object('name', g.name, 'source', ag.source) ORDER BY g.name)
          FROM artist_genre ag JOIN genre g ON g.id = ag.genre_id WHERE ag.artist_id = a.id), '[]') AS genres
      FROM artist a WHERE a.id = ANY(${numberArray(ids)}::bigint[])
      ORDER BY a.id`.execute(db);
    return rows;
  }

  async albumIds(db: Kysely<DB>, userId: number): Promise<number[]> {
    const { rows } = await sql<{ id: number }>`
      SELECT DISTINCT t.album_id AS id FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND t.album_id IS NOT NULL ORDER BY 1`.execute(db);
    return rows.map((r) => r.id);
  }

  albums(db: Kysely<DB>, ids: readonly number[]) {
    return db
      .selectFrom('album')
      .select(['id', 'name', 'spotify_id', 'release_date', 'image_url'])
      .where(sql<boolean>`id = ANY(${numberArray(ids)}::bigint[])`)
      .orderBy('id')
      .execute();
  }

  /**
   * A page of the user's tracks after user track `afterId`, in id order (the
   * primary key), each with its catalog facts, credits and tags.
   */
  async tracks(db: Kysely<DB>, userId: number, afterId: number, limit: number) {
    const { rows } = await sql<{
      id: number;
      spotify_id: string | null;
      name: string;
      artist_id: number;
      /** the other credited artists, in order */
      credits: number[];
      album_id: number | null;
      duration_ms: number | null;
      explicit: boolean | null;
      isrc: string | null;
      disc_number: number | null;
      track_number: number | null;
      added_at: Date;
      liked: boolean;
      rating: number | null;
      tags: number[];
    }>`
      SELECT ut.id, t.spotify_id, t.name, t.artist_id,
        coalesce((SELECT json_agg(ta.artist_id ORDER BY ta.position) FROM track_artist ta
          WHERE ta.track_id = t.id AND ta.artist_id <> t.artist_id), '[]') AS credits,
        t.album_id, t.duration_ms, t.explicit, t.isrc, t.disc_number, t.track_number,
        ut.added_at, ut.liked, ut.rating,
        coalesce((SELECT json_agg(tt.tag_id ORDER BY tt.tag_id) FROM track_tag tt
          WHERE tt.user_id = ut.user_id AND tt.user_track_id = ut.id), '[]') AS tags
      FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND ut.id > ${afterId}
      ORDER BY ut.id
      LIMIT ${limit}`.execute(db);
    return rows;
  }

  async userGenres(db: Kysely<DB>, userId: number) {
    const { rows } = await sql<{ artist_id: number; genre: string; assigned: boolean }>`
      SELECT uag.artist_id, g.name AS genre, uag.assigned
      FROM user_artist_genre uag JOIN genre g ON g.id = uag.genre_id
      WHERE uag.user_id = ${userId}
      ORDER BY uag.artist_id, g.name`.execute(db);
    return rows;
  }

  playlists(db: Kysely<DB>, userId: number) {
    return db
      .selectFrom('playlist')
      .select([
        'id',
        'name',
        'description',
        'spotify_playlist_id',
        'spotify_snapshot_id',
        'pushed_at',
        'created_at',
        'updated_at',
      ])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  /** A page of all the user's playlist entries, by playlist and position (the position key). */
  playlistEntries(
    db: Kysely<DB>,
    userId: number,
    after: readonly [number, string] | null,
    limit: number,
  ) {
    return db
      .selectFrom('playlist_track')
      .select(['playlist_id', 'user_track_id', 'position', 'added_at'])
      .where('user_id', '=', userId)
      .$if(after !== null, (qb) =>
        qb.where(sql<boolean>`(playlist_id, position) > (${after![0]}, ${after![1]})`),
      )
      .orderBy('playlist_id')
      .orderBy('position')
      .limit(limit)
      .execute();
  }

  smartPlaylists(db: Kysely<DB>, userId: number) {
    return db
      .selectFrom('smart_playlist')
      .select([
        'id',
        'name',
        'description',
        'match',
        'limit_count',
        'limit_unit',
        'limit_order',
        'random_seed',
        'evaluated_at',
        'spotify_playlist_id',
        'spotify_snapshot_id',
        'pushed_at',
        'created_at',
        'updated_at',
      ])
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
  }

  /** Every rule row of the user's smart playlists (a few hundred at most). */
  async smartRules(db: Kysely<DB>, userId: number): Promise<(RuleRow & { playlist_id: number })[]> {
    return db
      .selectFrom('smart_playlist_rule')
      .select([
        'smart_playlist_id as playlist_id',
        'id',
        'parent_id',
        'position',
        'kind',
        'match',
        'field',
        'operator',
        'value_type',
        'value',
      ])
      .where('user_id', '=', userId)
      .execute();
  }

  /** A page of all smart playlists' materialised tracks, by playlist and position (the key). */
  smartEntries(
    db: Kysely<DB>,
    userId: number,
    after: readonly [number, number] | null,
    limit: number,
  ) {
    return db
      .selectFrom('smart_playlist_track')
      .select(['smart_playlist_id', 'user_track_id', 'position'])
      .where('user_id', '=', userId)
      .$if(after !== null, (qb) =>
        qb.where(sql<boolean>`(smart_playlist_id, position) > (${after![0]}, ${after![1]})`),
      )
      .orderBy('smart_playlist_id')
      .orderBy('position')
      .limit(limit)
      .execute();
  }

  /**
   * A page of the user's plays, hot and archived, oldest first, after the
   * (played_at, user_track_id) of the previous page: each table gives its
   * next rows through (user_id, played_at, user_track_id), the union the
   * first `limit`. Plays are recorded from JavaScript dates, so a Date holds
   * played_at whole (milliseconds).
   */
  async plays(
    db: Kysely<DB>,
    userId: number,
    after: readonly [Date, number] | null,
    limit: number,
  ) {
    const next = (table: 'play_history' | 'play_history_archive') => sql`(
      SELECT user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end
      FROM ${sql.table(table)}
      WHERE user_id = ${userId}
        ${after ? sql`AND (played_at, user_track_id) > (${after[0]}, ${after[1]})` : sql``}
      ORDER BY played_at, user_track_id
      LIMIT ${limit})`;
    const { rows } = await sql<{
      user_track_id: number;
      played_at: Date;
      ms_played: number;
      source: PlaySource;
      skipped: boolean;
      reason_start: string | null;
      reason_end: string | null;
    }>`
      SELECT * FROM (${next('play_history')} UNION ALL ${next('play_history_archive')}) p
      ORDER BY played_at, user_track_id
      LIMIT ${limit}`.execute(db);
    return rows;
  }
}
