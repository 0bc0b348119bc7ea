import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { deleteUserRowsWithoutCascade } from '../db/uncascaded-user-rows.js';
import { lockUserWrites } from '../db/user-write-lock.js';

/** Demo profiles: users whose `demo_of` names the user they belong to. */
@Injectable()
export class DemoRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The demo user of this user, or undefined. */
  findOf(ownerId: number) {
    return this.db
      .selectFrom('app_user')
      .select(['id', 'username'])
      .where('demo_of', '=', ownerId)
      .executeTakeFirst();
  }

  /** Whether this user is someone's demo profile. */
  async isDemoUser(userId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('app_user')
      .select('demo_of')
      .where('id', '=', userId)
      .executeTakeFirst();
    return row?.demo_of != null;
  }

  /**
   * A new demo user of the owner, with default settings (no password: it is
   * entered with API tokens only); undefined when the owner got one
   * meanwhile (two clicks at once) or the name is taken.
   */
  async create(ownerId: number, username: string) {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('app_user')
        .values({ username, demo_of: ownerId })
        .onConflict((oc) => oc.doNothing())
        .returning(['id', 'username'])
        .executeTakeFirst();
      if (user) await trx.insertInto('user_settings').values({ user_id: user.id }).execute();
      return user;
    });
  }

  /** How much the demo user has: library tracks and plays (skips included). */
  async sizeOf(demoUserId: number): Promise<{ tracks: number; plays: number }> {
    const row = await this.db
      .selectFrom('user_track_stats')
      .select((eb) => [
        eb.fn.countAll<number>().as('tracks'),
        eb.fn
          .coalesce(eb.fn.sum<number>(eb('play_count', '+', eb.ref('skip_count'))), eb.lit(0))
          .as('plays'),
      ])
      .where('user_id', '=', demoUserId)
      .executeTakeFirstOrThrow();
    return { tracks: Number(row.tracks), plays: Number(row.plays) };
  }

  /**
   * Deletes the demo user and everything it owns: the plays and rollups
   * first (nothing cascades to them), under the user's write lock as their
   * writers take it; every other user-owned table cascades from app_user.
   */
  async deleteDemoUser(demoUserId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, demoUserId);
      await deleteUserRowsWithoutCascade(trx, demoUserId);
      await trx
        .deleteFrom('app_user')
        .where('id', '=', demoUserId)
        .where('demo_of', 'is not', null)
        .execute();
    });
  }
}
