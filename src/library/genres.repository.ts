import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { booleanArray, textArray } from '../db/array-literal.js';
import type { DB } from '../db/schema.js';
import { sortKey } from '../db/sort-key.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import { recountGenreStats } from '../stats/label-stats.js';
import { genresOfArtist } from './user-artist-genres.js';

export interface ArtistGenre {
  name: string;
  source: string;
}

/** The genres a user sees on their artists, and the user's own changes to them. */
@Injectable()
export class GenresRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Whether the artist is credited on any of the user's tracks. */
  async hasArtist(userId: number, artistId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('user_artist')
      .select('artist_id')
      .where('user_id', '=', userId)
      .where('artist_id', '=', artistId)
      .where('track_count', '>', 0)
      .executeTakeFirst();
    return row !== undefined;
  }

  async ofArtist(userId: number, artistId: number): Promise<ArtistGenre[]> {
    const { rows } = await sql<ArtistGenre>`
      SELECT ge.name, ag.source FROM ${genresOfArtist(userId, artistId)} ag
      JOIN genre ge ON ge.id = ag.genre_id
      ORDER BY ge.name`.execute(this.db);
    return rows;
  }

  /**
   * Records the user's adds and removals on an artist, in one transaction
   * that recounts those genres' play figures under the user's write lock.
   * New genre names join the shared genre list (a name alone says nothing
   * about anyone); which artists carry them stays the user's.
   */
  async change(userId: number, artistId: number, change: { add: string[]; remove: string[] }) {
    const names = [...change.add, ...change.remove];
    const assigned = names.map((_, i) => i < change.add.length);
    await this.db.transaction().execute(async (tx) => {
      await lockUserWrites(tx, userId);
      if (change.add.length) {
        await sql`INSERT INTO genre (name, sort_name)
          SELECT * FROM unnest(${textArray(change.add)}::text[], ${textArray(change.add.map(sortKey))}::text[])
          ON CONFLICT (name) DO NOTHING`.execute(tx);
      }
      await sql`
        INSERT INTO user_artist_genre (user_id, artist_id, genre_id, assigned)
        SELECT ${userId}, ${artistId}, ge.id, n.assigned
        FROM unnest(${textArray(names)}::text[], ${booleanArray(assigned)}::boolean[]) AS n(name, assigned)
        JOIN genre ge ON ge.name = n.name
        ON CONFLICT (user_id, artist_id, genre_id)
          DO UPDATE SET assigned = excluded.assigned, created_at = now()`.execute(tx);
      const { rows } = await sql<{ id: number }>`
        SELECT id FROM genre WHERE name = ANY(${textArray(names)}::text[])`.execute(tx);
      await recountGenreStats(
        tx,
        userId,
        rows.map((r) => r.id),
      );
    });
  }
}
