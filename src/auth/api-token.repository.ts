import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { PREPARED } from '../db/prepared-statements.js';
import type { DB } from '../db/schema.js';
import { StatementCache } from '../db/statement-cache.js';

@Injectable()
export class ApiTokenRepository {
  private readonly statements = new StatementCache();

  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: number, name: string, tokenHash: Buffer, hint: string) {
    return this.db
      .insertInto('api_token')
      .values({ user_id: userId, name, token_hash: tokenHash, token_hint: hint })
      .returning(['id', 'name', 'token_hint', 'created_at'])
      .executeTakeFirstOrThrow();
  }

  /** The user's live tokens, newest first: names and hints, never secrets. */
  listLive(userId: number) {
    return this.db
      .selectFrom('api_token')
      .select(['id', 'name', 'token_hint', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('id', 'desc')
      .execute();
  }

  /** Revokes one of the user's live tokens; false when they have no such token. */
  async revoke(userId: number, id: number): Promise<boolean> {
    const result = await this.db
      .updateTable('api_token')
      .set({ revoked_at: sql`now()` })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /**
   * The live token with this hash and its user. It records when the token
   * was last used to the minute: rewriting the row on every request would
   * turn each read into a write and a WAL flush (a millisecond or more per
   * API call); a statement whose update matches nothing commits nothing.
   */
  async use(tokenHash: Buffer) {
    const [user] = await this.statements.execute(this.db, 'use', { tokenHash }, (v) =>
      this.useQuery(v.tokenHash),
    );
    return user;
  }

  private useQuery(tokenHash: Buffer) {
    return this.db
      .with('found', (db) =>
        db
          .selectFrom('api_token as t')
          .innerJoin('app_user as u', 'u.id', 't.user_id')
          .select(['t.id', 't.user_id', 'u.username', 't.last_used_at'])
          .where('t.token_hash', '=', tokenHash)
          .where('t.revoked_at', 'is', null),
      )
      .with('touched', (db) =>
        db
          .updateTable('api_token')
          .set({ last_used_at: sql`now()` })
          .from('found')
          .whereRef('api_token.id', '=', 'found.id')
          .where((eb) =>
            eb.or([
              eb('found.last_used_at', 'is', null),
              eb('found.last_used_at', '<', sql<Date>`now() - interval '1 minute'`),
            ]),
          ),
      )
      .selectFrom('found')
      .select(['user_id', 'username'])
      .modifyEnd(PREPARED);
  }
}
