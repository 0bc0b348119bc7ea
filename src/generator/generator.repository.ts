import { Injectable } from '@nestjs/common';
import { generateNKeysBetween } from 'fractional-indexing';
import { Kysely, sql } from 'kysely';
import { numberArray, textArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { nameKey, sortKey } from '../db/sort-key.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import { nextGenresVersion, recountTagStats, stampGenreChanges } from '../stats/label-stats.js';

/**
 * The generator's set-based writes for what no product path writes in bulk
 * yet: extra credits, genres, ratings, tags and playlists. Each is
 * idempotent, so generating the same world again changes nothing.
 */
@Injectable()
export class GeneratorRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async addCredits(credits: { trackId: number; artistId: number; position: number }[]) {
    if (credits.length === 0) return;
    await sql`
      INSERT INTO track_artist (track_id, artist_id, position)
      SELECT * FROM unnest(${numberArray(credits.map((c) => c.trackId))}::bigint[],
        ${numberArray(credits.map((c) => c.artistId))}::bigint[],
        ${numberArray(credits.map((c) => c.position))}::smallint[])
      ON CONFLICT DO NOTHING`.execute(this.db);
  }

  /** Genre ids by name, creating the missing ones. */
  async ensureGenres(names: readonly string[]): Promise<Map<string, number>> {
    await sql`INSERT INTO genre (name, sort_name)
      SELECT * FROM unnest(${textArray(names)}::text[], ${textArray(names.map(sortKey))}::text[])
      ON CONFLICT DO NOTHING`.execute(this.db);
    const rows = await this.db
      .selectFrom('genre')
      .select(['id', 'name'])
      .where(sql<boolean>`name = ANY(${textArray(names)}::text[])`)
      .execute();
    return new Map(rows.map((r) => [r.name, r.id]));
  }

  async addArtistGenres(pairs: { artistId: number; genreId: number }[]) {
    if (pairs.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const version = await nextGenresVersion(trx);
      const { rows } = await sql<{ artist_id: number }>`
        INSERT INTO artist_genre (artist_id, genre_id, source)
        SELECT a, g, 'spotify' FROM unnest(${numberArray(pairs.map((p) => p.artistId))}::bigint[],
          ${numberArray(pairs.map((p) => p.genreId))}::bigint[]) AS n(a, g)
        ON CONFLICT DO NOTHING
        RETURNING artist_id`.execute(trx);
      await stampGenreChanges(
        trx,
        version,
        rows.map((r) => r.artist_id),
      );
    });
  }

  async rate(userId: number, ratings: { trackId: number; rating: number }[]) {
    if (ratings.length === 0) return;
    await sql`
      UPDATE user_track ut SET rating = n.rating
      FROM unnest(${numberArray(ratings.map((r) => r.trackId))}::bigint[],
        ${numberArray(ratings.map((r) => r.rating))}::smallint[]) AS n(track_id, rating)
      WHERE ut.user_id = ${userId} AND ut.track_id = n.track_id`.execute(this.db);
  }

  async tag(userId: number, tag: { name: string; color: string; trackIds: number[] }) {
    await this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, userId);
      const key = nameKey(tag.name);
      await trx
        .insertInto('tag')
        .values({
          user_id: userId,
          name: tag.name,
          name_key: key,
          sort_key: sortKey(tag.name),
          color: tag.color,
        })
        .onConflict((oc) => oc.columns(['user_id', 'name_key']).doNothing())
        .execute();
      await sql`
        INSERT INTO track_tag (user_id, user_track_id, tag_id)
        SELECT ${userId}, ut.id, t.id
        FROM tag t, unnest(${numberArray(tag.trackIds)}::bigint[]) AS n(track_id)
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.track_id = n.track_id
        WHERE t.user_id = ${userId} AND t.name_key = ${key}
        ON CONFLICT DO NOTHING`.execute(trx);
      const { id } = await trx
        .selectFrom('tag')
        .select('id')
        .where('user_id', '=', userId)
        .where('name_key', '=', key)
        .executeTakeFirstOrThrow();
      await recountTagStats(trx, userId, [id]);
    });
  }

  /** A manual playlist of these tracks, in order, unless the user has one of that name. */
  async addPlaylist(userId: number, name: string, trackIds: number[]) {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('playlist')
        .select('id')
        .where('user_id', '=', userId)
        .where('name', '=', name)
        .executeTakeFirst();
      if (existing) return;
      const playlist = await trx
        .insertInto('playlist')
        .values({ user_id: userId, name })
        .returning('id')
        .executeTakeFirstOrThrow();
      const positions = generateNKeysBetween(null, null, trackIds.length);
      await sql`
        INSERT INTO playlist_track (user_id, playlist_id, user_track_id, position)
        SELECT ${userId}, ${playlist.id}, ut.id, n.position
        FROM unnest(${numberArray(trackIds)}::bigint[], ${textArray(positions)}::text[])
          AS n(track_id, position)
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.track_id = n.track_id`.execute(trx);
    });
  }

  /** How many tracks these users have in their libraries. */
  async libraryTracks(userIds: readonly number[]): Promise<number> {
    const row = await this.db
      .selectFrom('user_track')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql<boolean>`user_id = ANY(${numberArray(userIds)}::bigint[])`)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /**
   * Visibility maps and fresh statistics everywhere, partitioned parents
   * included. Without the VACUUM a freshly loaded world has index-only scans
   * fetch every heap row: the first benchmark after generating scale M ran
   * up to 3x slower until one.
   */
  async vacuumAnalyze(): Promise<void> {
    await sql`VACUUM`.execute(this.db);
    await sql`ANALYZE`.execute(this.db);
  }
}
