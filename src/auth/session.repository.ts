import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

@Injectable()
export class SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: number, tokenHash: Buffer, expiresAt: Date, userAgent: string | null) {
    await this.db
      .insertInto('user_session')
      .values({
        user_id: userId,
        token_hash: tokenHash,
        expires_at: expiresAt,
        user_agent: userAgent?.slice(0, 300) ?? null,
      })
      .execute();
  }

  /**
   * The unexpired session with this hash and its user. Like API tokens, it
   * records when it was last seen to the minute, not on every request.
   */
  async use(tokenHash: Buffer) {
    return this.db
      .with('found', (db) =>
        db
          .selectFrom('user_session as s')
          .innerJoin('app_user as u', 'u.id', 's.user_id')
          .select(['s.id', 's.user_id', 'u.username', 's.last_seen_at'])
          .where('s.token_hash', '=', tokenHash)
          .where('s.expires_at', '>', sql<Date>`now()`),
      )
      .with('touched', (db) =>
        db
          .updateTable('user_session')
          .set({ last_seen_at: sql`now()` })
          .from('found')
          .whereRef('user_session.user_id', '=', 'found.user_id')
          .whereRef('user_session.id', '=', 'found.id')
          .where('found.last_seen_at', '<', sql<Date>`now() - interval '1 minute'`),
      )
      .selectFrom('found')
      .select(['user_id', 'username'])
      .executeTakeFirst();
  }

  async delete(tokenHash: Buffer): Promise<void> {
    await this.db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a user (a changed password). */
  async deleteAllOf(userId: number): Promise<void> {
    await this.db.deleteFrom('user_session').where('user_id', '=', userId).execute();
  }

  async deleteExpired(): Promise<number> {
    const result = await this.db
      .deleteFrom('user_session')
      .where('expires_at', '<=', sql<Date>`now()`)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
