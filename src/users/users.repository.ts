import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import type { AppUser, DB } from '../db/schema.js';

@Injectable()
export class UsersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Creates the user (with default settings) unless it exists; returns it either way. */
  async ensure(username: string, account: { isAdmin?: boolean } = {}): Promise<AppUser> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('app_user')
        .values({ username, is_admin: account.isAdmin ?? false })
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

  /** The user with their settings, or undefined. */
  findProfile(id: number) {
    return this.db
      .selectFrom('app_user')
      .innerJoin('user_settings', 'user_settings.user_id', 'app_user.id')
      .select([
        'app_user.id',
        'app_user.username',
        'app_user.display_name',
        'user_settings.time_zone',
        'user_settings.play_threshold_ms',
      ])
      .where('app_user.id', '=', id)
      .executeTakeFirst();
  }

  /** Whether the database knows this IANA zone (the zone math happens there). */
  async knowsTimeZone(name: string): Promise<boolean> {
    const { rows } = await sql<{ known: boolean }>`
      SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = ${name}) AS known`.execute(
      this.db,
    );
    return rows[0]!.known;
  }

  /** Changes the user's settings; whether the time zone changed. */
  async updateSettings(
    trx: Transaction<DB>,
    userId: number,
    changes: { timeZone?: string | undefined; playThresholdMs?: number | undefined },
  ): Promise<{ zoneChanged: boolean }> {
    const before = await trx
      .selectFrom('user_settings')
      .select('time_zone')
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('user_settings')
      .set({
        ...(changes.timeZone !== undefined ? { time_zone: changes.timeZone } : {}),
        ...(changes.playThresholdMs !== undefined
          ? { play_threshold_ms: changes.playThresholdMs }
          : {}),
        updated_at: new Date(),
      })
      .where('user_id', '=', userId)
      .execute();
    return { zoneChanged: changes.timeZone !== undefined && changes.timeZone !== before.time_zone };
  }

  async playThreshold(userId: number, db: Kysely<DB> = this.db): Promise<number> {
    const row = await db
      .selectFrom('user_settings')
      .select('play_threshold_ms')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new Error(`User ${userId} has no settings`);
    return row.play_threshold_ms;
  }

  findByUsername(username: string): Promise<AppUser | undefined> {
    return this.db
      .selectFrom('app_user')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
  }

  /** A new user with default settings; undefined when the name is taken. */
  async create(
    username: string,
    account: { passwordHash: string | null; isAdmin: boolean },
  ): Promise<AppUser | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .insertInto('app_user')
        .values({ username, password_hash: account.passwordHash, is_admin: account.isAdmin })
        .onConflict((oc) => oc.column('username').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (user) await trx.insertInto('user_settings').values({ user_id: user.id }).execute();
      return user;
    });
  }

  list() {
    return this.db
      .selectFrom('app_user')
      .select([
        'id',
        'username',
        'is_admin',
        'created_at',
        (eb) => eb('password_hash', 'is not', null).as('has_password'),
      ])
      .orderBy('id')
      .execute();
  }

  async setPassword(id: number, passwordHash: string): Promise<boolean> {
    const result = await this.db
      .updateTable('app_user')
      .set({ password_hash: passwordHash, updated_at: new Date() })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  findById(id: number): Promise<AppUser | undefined> {
    return this.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
