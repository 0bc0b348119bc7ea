import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { AppUser, DB } from '../db/schema.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Creates the user (with default settings) unless it exists; returns it either way. */
  async ensure(username: string): Promise<AppUser> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('app_user')
        .values({ username })
        .onConflict((oc) => oc.column('username').doNothing())
        .execute();
      const user = await trx
        .selectFrom('app_user')
        .selectAll()
        .where('username', '=', username)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('user_settings')
        .values({ user_id: user.id })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      return user;
    });
  }

  findById(id: number): Promise<AppUser | undefined> {
    return this.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
