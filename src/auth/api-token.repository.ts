import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

@Injectable()
export class ApiTokenRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: number, name: string, tokenHash: Buffer, hint: string) {
    return this.db
      .insertInto('api_token')
      .values({ user_id: userId, name, token_hash: tokenHash, token_hint: hint })
      .returning(['id', 'name', 'token_hint', 'created_at'])
      .executeTakeFirstOrThrow();
  }

  /** The live token with this hash and its user; marks it used. */
  async use(tokenHash: Buffer) {
    return this.db
      .updateTable('api_token')
      .set({ last_used_at: new Date() })
      .from('app_user')
      .whereRef('app_user.id', '=', 'api_token.user_id')
      .where('api_token.token_hash', '=', tokenHash)
      .where('api_token.revoked_at', 'is', null)
      .returning(['api_token.user_id', 'app_user.username'])
      .executeTakeFirst();
  }
}
