import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { numberArray } from '../db/array-literal.js';
import { idsNotOwned } from '../db/owned-ids.js';
import type { DB } from '../db/schema.js';
import { sortKey } from '../db/sort-key.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import { recountTagStats } from '../stats/label-stats.js';

export interface TagRow {
  id: number;
  name: string;
  color: string | null;
  trackCount: number;
}

/** A user's tags and which of their tracks carry them. Every statement is scoped by user. */
@Injectable()
export class TagsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  list(userId: number): Promise<TagRow[]> {
    return this.db
      .selectFrom('tag as g')
      .select((eb) => [
        'g.id',
        'g.name',
        'g.color',
        eb
          .selectFrom('track_tag as tt')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('tt.user_id', '=', 'g.user_id')
          .whereRef('tt.tag_id', '=', 'g.id')
          .as('trackCount'),
      ])
      .where('g.user_id', '=', userId)
      .orderBy('g.name_key')
      .execute() as Promise<TagRow[]>;
  }

  /** The new tag, or undefined when the user has one of that name (case aside). */
  async create(userId: number, tag: { name: string; nameKey: string; color: string | null }) {
    return this.db
      .insertInto('tag')
      .values({
        user_id: userId,
        name: tag.name,
        name_key: tag.nameKey,
        sort_key: sortKey(tag.name),
        color: tag.color,
      })
      .onConflict((oc) => oc.columns(['user_id', 'name_key']).doNothing())
      .returning(['id', 'name', 'color'])
      .executeTakeFirst();
  }

  /**
   * Renames and/or recolours; 'taken' when another tag has the name,
   * undefined when the user has no tag `id` (whatever the name: an id that
   * is not the user's must answer alike, never "taken").
   */
  async update(
    userId: number,
    id: number,
    changes: { name?: string; nameKey?: string; color?: string | null },
  ): Promise<{ id: number; name: string; color: string | null } | 'taken' | undefined> {
    if (changes.nameKey !== undefined) {
      const nameKey = changes.nameKey;
      const found = await this.db
        .selectFrom('tag')
        .select('id')
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('id', '=', id), eb('name_key', '=', nameKey)]))
        .execute();
      if (!found.some((tag) => tag.id === id)) return undefined;
      if (found.some((tag) => tag.id !== id)) return 'taken';
    }
    try {
      return await this.db
        .updateTable('tag')
        .set({
          ...(changes.name !== undefined
            ? { name: changes.name, name_key: changes.nameKey!, sort_key: sortKey(changes.name) }
            : {}),
          ...(changes.color !== undefined ? { color: changes.color } : {}),
        })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returning(['id', 'name', 'color'])
        .executeTakeFirst();
    } catch (error) {
      // a concurrent rename took the name between the check and the update
      if (isUniqueViolation(error)) return 'taken';
      throw error;
    }
  }

  async delete(userId: number, id: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('tag')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Which of these tag ids the user does not have. */
  async missingTags(userId: number, ids: readonly number[]): Promise<number[]> {
    return idsNotOwned(this.db, 'tag', userId, ids);
  }

  /**
   * Adds (pairs that were new) and removes tags on tracks in one
   * transaction, the tags' play figures recounted under the user's write
   * lock so plays recorded meanwhile count once.
   */
  async changeTrackTags(
    userId: number,
    change: { trackIds: number[]; add: number[]; remove: number[] },
  ): Promise<{ added: number; removed: number }> {
    const { trackIds, add, remove } = change;
    if (trackIds.length === 0 || add.length + remove.length === 0) return { added: 0, removed: 0 };
    return this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, userId);
      const added = await sql`
        INSERT INTO track_tag (user_id, user_track_id, tag_id)
        SELECT ${userId}, t, g FROM unnest(${numberArray(trackIds)}::bigint[]) t,
          unnest(${numberArray(add)}::bigint[]) g
        ON CONFLICT DO NOTHING`.execute(trx);
      const removed = await trx
        .deleteFrom('track_tag')
        .where('user_id', '=', userId)
        .where(sql<boolean>`tag_id = ANY(${numberArray(remove)}::bigint[])`)
        .where(sql<boolean>`user_track_id = ANY(${numberArray(trackIds)}::bigint[])`)
        .executeTakeFirst();
      await recountTagStats(trx, userId, [...add, ...remove]);
      return { added: Number(added.numAffectedRows ?? 0), removed: Number(removed.numDeletedRows) };
    });
  }
}
