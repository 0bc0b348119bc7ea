import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

/** How long a login may take between the authorize page and the callback. */
const AUTHORIZATION_TTL_MINUTES = 10;

export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  redirectUri: string;
}

export interface SealedTokens {
  accessTokenEnc: Uint8Array;
  /** absent: keep the stored refresh token (Spotify did not rotate it) */
  refreshTokenEnc?: Uint8Array | undefined;
  expiresAt: Date;
}

export interface AccountToSave extends SealedTokens {
  refreshTokenEnc: Uint8Array;
  spotifyUserId: string;
  displayName: string | null;
  scopes: string[];
}

/** A user's link to Spotify (tokens sealed by TokenCipher) and their logins in flight. */
@Injectable()
export class SpotifyAccountRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Records a login in flight, forgetting the user's abandoned ones. */
  async addAuthorization(userId: number, pending: PendingAuthorization): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('spotify_authorization')
        .where('user_id', '=', userId)
        .where(
          sql<boolean>`created_at < now() - make_interval(mins => ${AUTHORIZATION_TTL_MINUTES})`,
        )
        .execute();
      await trx
        .insertInto('spotify_authorization')
        .values({
          user_id: userId,
          state: pending.state,
          code_verifier: pending.codeVerifier,
          redirect_uri: pending.redirectUri,
        })
        .execute();
    });
  }

  /** The login this state names, used once; undefined when unknown or too old. */
  async takeAuthorization(
    userId: number,
    state: string,
  ): Promise<PendingAuthorization | undefined> {
    const row = await this.db
      .deleteFrom('spotify_authorization')
      .where('user_id', '=', userId)
      .where('state', '=', state)
      .returning(['state', 'code_verifier', 'redirect_uri', 'created_at'])
      .executeTakeFirst();
    return row && pendingIfFresh(row);
  }

  /** A "sign in with Spotify" in flight (no user yet); old ones are swept on the way. */
  async addSignIn(pending: PendingAuthorization): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('spotify_signin')
        .where(
          sql<boolean>`created_at < now() - make_interval(mins => ${AUTHORIZATION_TTL_MINUTES})`,
        )
        .execute();
      await trx
        .insertInto('spotify_signin')
        .values({
          state: pending.state,
          code_verifier: pending.codeVerifier,
          redirect_uri: pending.redirectUri,
        })
        .execute();
    });
  }

  /** The sign-in this state names, used once; undefined when unknown or too old. */
  async takeSignIn(state: string): Promise<PendingAuthorization | undefined> {
    const row = await this.db
      .deleteFrom('spotify_signin')
      .where('state', '=', state)
      .returning(['state', 'code_verifier', 'redirect_uri', 'created_at'])
      .executeTakeFirst();
    return row && pendingIfFresh(row);
  }

  /** The Spotlib user linked to this Spotify user, if any. */
  findLinkedUser(spotifyUserId: string) {
    return this.db
      .selectFrom('spotify_account as a')
      .innerJoin('app_user as u', 'u.id', 'a.user_id')
      .select(['u.id', 'u.username'])
      .where('a.spotify_user_id', '=', spotifyUserId)
      .executeTakeFirst();
  }

  find(userId: number) {
    return this.db
      .selectFrom('spotify_account')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** Links the user to a Spotify account, replacing an earlier link; connected again. */
  async save(userId: number, account: AccountToSave): Promise<void> {
    const values = {
      spotify_user_id: account.spotifyUserId,
      display_name: account.displayName,
      scopes: account.scopes,
      access_token_enc: account.accessTokenEnc,
      refresh_token_enc: account.refreshTokenEnc,
      access_token_expires_at: account.expiresAt,
      status: 'connected' as const,
      last_error: null,
    };
    await this.db
      .insertInto('spotify_account')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
  }

  /**
   * Stores refreshed tokens unless another process refreshed first (the
   * stored refresh token is no longer the one used): false then.
   */
  async updateTokens(
    userId: number,
    usedRefreshEnc: Uint8Array,
    tokens: SealedTokens,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('spotify_account')
      .set({
        access_token_enc: tokens.accessTokenEnc,
        ...(tokens.refreshTokenEnc ? { refresh_token_enc: tokens.refreshTokenEnc } : {}),
        access_token_expires_at: tokens.expiresAt,
        status: 'connected',
        last_error: null,
        updated_at: new Date(),
      })
      .where('user_id', '=', userId)
      .where('refresh_token_enc', '=', usedRefreshEnc)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async markNeedsReconnect(userId: number, error: string): Promise<void> {
    await this.db
      .updateTable('spotify_account')
      .set({ status: 'needs_reconnect', last_error: error, updated_at: new Date() })
      .where('user_id', '=', userId)
      .execute();
  }

  async remove(userId: number): Promise<boolean> {
    const result = await this.db
      .deleteFrom('spotify_account')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** Users whose link works, for scheduled polling. */
  async connectedUsers(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('spotify_account')
      .select('user_id')
      .where('status', '=', 'connected')
      .orderBy('user_id')
      .execute();
    return rows.map((r) => r.user_id);
  }

  async recordSync(userId: number, summary: object): Promise<void> {
    await this.db
      .updateTable('spotify_account')
      .set({ last_sync: JSON.stringify(summary), last_sync_at: new Date() })
      .where('user_id', '=', userId)
      .execute();
  }

  async lastSync(userId: number): Promise<{ summary: unknown; at: Date } | undefined> {
    const row = await this.db
      .selectFrom('spotify_account')
      .select(['last_sync', 'last_sync_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.last_sync_at ? { summary: row.last_sync, at: row.last_sync_at } : undefined;
  }
}

function pendingIfFresh(row: {
  state: string;
  code_verifier: string;
  redirect_uri: string;
  created_at: Date;
}): PendingAuthorization | undefined {
  const age = Date.now() - row.created_at.getTime();
  if (age > AUTHORIZATION_TTL_MINUTES * 60_000) return undefined;
  return { state: row.state, codeVerifier: row.code_verifier, redirectUri: row.redirect_uri };
}
