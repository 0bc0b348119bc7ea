import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { PREPARED } from '../db/prepared-statements.js';
import type { DB } from '../db/schema.js';

export interface NewSession {
  userId: number;
  tokenHash: Buffer;
  expiresAt: Date;
  userAgent: string | null;
}

function row(session: NewSession) {
  return {
    user_id: session.userId,
    token_hash: session.tokenHash,
    expires_at: session.expiresAt,
    user_agent: session.userAgent?.slice(0, 300) ?? null,
  };
}

@Injectable()
export class SessionRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(session: NewSession): Promise<void> {
    await this.db.insertInto('user_session').values(row(session)).execute();
  }

  /**
   * Opens the session only if the user's password is still the one just
   * checked: a sign-in that raced a password change (which ends sessions)
   * must not leave one behind. Whether it was opened.
   */
  async createIfPasswordIs(session: NewSession, passwordHash: string): Promise<boolean> {
    const values = row(session);
    const result = await this.db
      .insertInto('user_session')
      .columns(['user_id', 'token_hash', 'expires_at', 'user_agent'])
      .expression((eb) =>
        eb
          .selectFrom('app_user')
          .select([
            'id',
            eb.val(values.token_hash).as('token_hash'),
            eb.val(values.expires_at).as('expires_at'),
            eb.val(values.user_agent).as('user_agent'),
          ])
          .where('id', '=', values.user_id)
          .where('password_hash', '=', passwordHash),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
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
      .modifyEnd(PREPARED)
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
