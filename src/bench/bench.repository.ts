import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { deleteUserRowsWithoutCascade } from '../db/uncascaded-user-rows.js';
import { lockUserWrites } from '../db/user-write-lock.js';

/** What the benchmark reads to set its scenarios up, and the users it makes and removes. */
@Injectable()
export class BenchRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The user with the biggest library: the heavy user of a generated world. */
  async heaviestUser(): Promise<{ userId: number; tracks: number } | undefined> {
    const row = await this.db
      .selectFrom('user_track')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('user_id')
      .orderBy('n', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { userId: row.user_id, tracks: row.n };
  }

  /** The (added_at, id) of the row at this depth of the newest-first list. */
  async positionAt(userId: number, depth: number) {
    const row = await this.db
      .selectFrom('user_track')
      .select(['added_at', 'id'])
      .where('user_id', '=', userId)
      .orderBy('added_at', 'desc')
      .orderBy('id', 'desc')
      .offset(depth - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    return { addedAt: row.added_at, id: row.id };
  }

  /** The position of the entry nine tenths down a playlist. */
  async deepPosition(userId: number, playlistId: number): Promise<string> {
    const { rows } = await sql<{ position: string }>`
      SELECT position FROM playlist_track WHERE user_id = ${userId} AND playlist_id = ${playlistId}
      ORDER BY position
      OFFSET (SELECT floor(count(*) * 0.9) FROM playlist_track
        WHERE user_id = ${userId} AND playlist_id = ${playlistId})
      LIMIT 1`.execute(this.db);
    return rows[0]!.position;
  }

  /** `count` of the user's tracks, most recently added first. */
  async recentUserTracks(userId: number, count: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('user_track')
      .select('id')
      .where('user_id', '=', userId)
      .orderBy('added_at', 'desc')
      .orderBy('id', 'desc')
      .limit(count)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The genre and the tag on most of the user's tracks: what a realistic smart playlist names. */
  async commonGenreAndTag(userId: number): Promise<{ genre: string; tag: string } | undefined> {
    const { rows } = await sql<{ genre: string; tag: string }>`
      SELECT
        (SELECT ge.name FROM user_track ut JOIN track_artist ta ON ta.track_id = ut.track_id
          JOIN artist_genre ag ON ag.artist_id = ta.artist_id JOIN genre ge ON ge.id = ag.genre_id
          WHERE ut.user_id = ${userId} GROUP BY ge.name ORDER BY count(*) DESC, ge.name LIMIT 1) AS genre,
        (SELECT g.name FROM track_tag tt JOIN tag g ON g.user_id = tt.user_id AND g.id = tt.tag_id
          WHERE tt.user_id = ${userId} GROUP BY g.name ORDER BY count(*) DESC, g.name LIMIT 1) AS tag`.execute(
      this.db,
    );
    const row = rows[0];
    return row?.genre && row.tag ? row : undefined;
  }

  /** Catalog tracks with an album, for plays to record. */
  async someTracks(count: number) {
    return this.db
      .selectFrom('track')
      .select(['id', 'artist_id', 'album_id'])
      .where('album_id', 'is not', null)
      .orderBy('id')
      .limit(count)
      .execute();
  }

  async userTrackIds(userId: number, trackIds: readonly number[]): Promise<Map<number, number>> {
    const rows = await this.db
      .selectFrom('user_track')
      .select(['id', 'track_id'])
      .where('user_id', '=', userId)
      .where(sql<boolean>`track_id = ANY(${numberArray(trackIds)}::bigint[])`)
      .execute();
    return new Map(rows.map((r) => [r.track_id, r.id]));
  }

  async createUser(username: string): Promise<number> {
    const user = await this.db
      .insertInto('app_user')
      .values({ username })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.db.insertInto('user_settings').values({ user_id: user.id }).execute();
    return user.id;
  }

  /** A benchmark's own user and everything it wrote (plays and rollups first: they hold no foreign key). */
  async dropUser(userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, userId);
      await deleteUserRowsWithoutCascade(trx, userId);
      await trx.deleteFrom('app_user').where('id', '=', userId).execute();
    });
  }

  async postgresVersion(): Promise<string> {
    const { rows } = await sql<{ version: string }>`SELECT version()`.execute(this.db);
    return rows[0]!.version.split(' ').slice(0, 2).join(' ');
  }
}
