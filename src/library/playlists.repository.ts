import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { numberArray, textArray } from '../db/array-literal.js';
import { PREPARED } from '../db/prepared-statements.js';
import type { DB } from '../db/schema.js';

export interface PlaylistRow {
  id: number;
  name: string;
  description: string | null;
  trackCount: number;
}

export interface EntryRow {
  id: number;
  userTrackId: number;
  position: string;
}

/** Manual playlists: entries ordered by a fractional position key. Scoped by user throughout. */
@Injectable()
export class PlaylistsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  list(userId: number): Promise<PlaylistRow[]> {
    return this.db
      .selectFrom('playlist as p')
      .select((eb) => [
        'p.id',
        'p.name',
        'p.description',
        eb
          .selectFrom('playlist_track as pt')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('pt.user_id', '=', 'p.user_id')
          .whereRef('pt.playlist_id', '=', 'p.id')
          .as('trackCount'),
      ])
      .where('p.user_id', '=', userId)
      .orderBy('p.name')
      .orderBy('p.id')
      .execute() as Promise<PlaylistRow[]>;
  }

  async exists(userId: number, id: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('playlist')
      .select('id')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Runs `work` in a transaction holding the playlist's row lock, so two
   * writers never pick the same position; false when there is no such playlist.
   */
  async locked(userId: number, id: number, work: (db: Kysely<DB>) => Promise<void>) {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('playlist')
        .select('id')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) return false;
      await work(trx);
      return true;
    });
  }

  create(userId: number, playlist: { name: string; description: string | null }) {
    return this.db
      .insertInto('playlist')
      .values({ user_id: userId, ...playlist })
      .returning(['id', 'name', 'description'])
      .executeTakeFirstOrThrow();
  }

  update(userId: number, id: number, changes: { name?: string; description?: string | null }) {
    return this.db
      .updateTable('playlist')
      .set({ ...changes, updated_at: new Date() })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .returning(['id', 'name', 'description'])
      .executeTakeFirst();
  }

  async delete(userId: number, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('playlist')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** A page of entries in order, after the (position, id) of the previous page's last. */
  entries(userId: number, playlistId: number, limit: number, after?: string): Promise<EntryRow[]> {
    return this.entriesQuery(userId, playlistId, limit, after).execute();
  }

  /** The statement (the index guard test EXPLAINs it). */
  entriesQuery(userId: number, playlistId: number, limit: number, after?: string) {
    return this.db
      .selectFrom('playlist_track')
      .select(['id', 'user_track_id as userTrackId', 'position'])
      .where('user_id', '=', userId)
      .where('playlist_id', '=', playlistId)
      .$if(after !== undefined, (qb) => qb.where(sql<boolean>`position > ${after!}`))
      .orderBy('position')
      .limit(limit)
      .modifyEnd(PREPARED);
  }

  entry(userId: number, playlistId: number, entryId: number, db: Kysely<DB> = this.db) {
    return db
      .selectFrom('playlist_track')
      .select(['id', 'position'])
      .where('user_id', '=', userId)
      .where('playlist_id', '=', playlistId)
      .where('id', '=', entryId)
      .executeTakeFirst();
  }

  /** The position right after this one (or the first, after nothing); undefined at the end. */
  async nextPosition(
    userId: number,
    playlistId: number,
    after: string | null,
    db: Kysely<DB> = this.db,
  ) {
    const row = await db
      .selectFrom('playlist_track')
      .select('position')
      .where('user_id', '=', userId)
      .where('playlist_id', '=', playlistId)
      .$if(after !== null, (qb) => qb.where(sql<boolean>`position > ${after!}`))
      .orderBy('position')
      .limit(1)
      .executeTakeFirst();
    return row?.position;
  }

  async lastPosition(
    userId: number,
    playlistId: number,
    db: Kysely<DB> = this.db,
  ): Promise<string | null> {
    const row = await db
      .selectFrom('playlist_track')
      .select('position')
      .where('user_id', '=', userId)
      .where('playlist_id', '=', playlistId)
      .orderBy('position', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.position ?? null;
  }

  async addEntries(
    userId: number,
    playlistId: number,
    entries: { userTrackIds: number[]; positions: string[] },
    db: Kysely<DB> = this.db,
  ) {
    await sql`
      INSERT INTO playlist_track (user_id, playlist_id, user_track_id, position)
      SELECT ${userId}, ${playlistId}, t, p
      FROM unnest(${numberArray(entries.userTrackIds)}::bigint[], ${textArray(entries.positions)}::text[])
        AS n(t, p)`.execute(db);
  }

  async moveEntry(
    userId: number,
    entryId: number,
    position: string,
    db: Kysely<DB> = this.db,
  ): Promise<void> {
    await db
      .updateTable('playlist_track')
      .set({ position })
      .where('user_id', '=', userId)
      .where('id', '=', entryId)
      .execute();
  }

  async removeEntry(userId: number, playlistId: number, entryId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('playlist_track')
      .where('user_id', '=', userId)
      .where('playlist_id', '=', playlistId)
      .where('id', '=', entryId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}
