import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import type { AuthUser } from '../auth/auth-user.js';
import {
  SpotifyAccountRepository,
  type PendingAuthorization,
} from './spotify-account.repository.js';
import {
  SPOTIFY_SCOPES,
  type SpotifyTokenResponse,
  type SpotifyUser,
} from './spotify-api.types.js';
import { SpotifyApiError, SpotifyOAuthError } from './spotify-errors.js';
import { asApiError } from './spotify-failures.js';
import { SpotifyHttp, type AccessTokenSource } from './spotify-http.js';
import { TokenCipher } from './token-cipher.js';

/** Refresh this long before Spotify's expiry, so no request carries a dying token. */
const REFRESH_MARGIN_MS = 60_000;

interface AccessToken {
  token: string;
  expiresAt: Date;
}

export interface SpotifyConnection {
  connected: boolean;
  status: 'not_connected' | 'connected' | 'needs_reconnect';
  spotifyUserId: string | null;
  displayName: string | null;
  scopes: string[];
  lastError: string | null;
}

/**
 * The link between a Spotlib user and their Spotify account: Authorization
 * Code with PKCE, tokens sealed at rest, refreshed before expiry (a rotated
 * refresh token is kept), and "needs reconnect" when Spotify refuses the
 * refresh token (`invalid_grant`, e.g. after six months).
 */
/** What Spotify appends to a redirect URI. */
export interface CallbackAnswer {
  code?: string | undefined;
  state: string;
  error?: string | undefined;
}

@Injectable()
export class SpotifyAuthService {
  /** One refresh per user at a time in this process: Spotify may rotate the refresh token. */
  private readonly refreshing = new Map<number, Promise<AccessToken>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accounts: SpotifyAccountRepository,
    private readonly cipher: TokenCipher,
    private readonly http: SpotifyHttp,
  ) {}

  /** The Spotify authorize page to send the user to. */
  async loginUrl(user: AuthUser): Promise<string> {
    const pending = this.newAuthorization(this.config.spotify.redirectUri);
    await this.accounts.addAuthorization(user.id, pending);
    return this.authorizeUrl(pending);
  }

  /**
   * "Sign in with Spotify": the authorize page for someone not signed in yet.
   * It ends at the sign-in callback, which finds the Spotlib user linked to
   * that Spotify account (linking happens only while signed in).
   */
  async signInUrl(): Promise<{ url: string; state: string }> {
    const pending = this.newAuthorization(this.config.spotify.signInRedirectUri);
    await this.accounts.addSignIn(pending);
    return { url: this.authorizeUrl(pending), state: pending.state };
  }

  /** Finishes a sign-in: the linked user (with fresh tokens stored), or a refusal. */
  async completeSignIn(answer: CallbackAnswer): Promise<{ id: number; username: string }> {
    const pending = await this.accounts.takeSignIn(answer.state);
    if (!pending) {
      throw new ApiError(
        400,
        'invalid_state',
        'Unknown or expired sign-in: start again at /api/auth/spotify/signin',
      );
    }
    const { tokens, me } = await this.redeemAnswer(answer, pending);
    const user = await this.accounts.findLinkedUser(me.id);
    if (!user) {
      throw new ApiError(
        403,
        'spotify_not_linked',
        'No Spotlib account is linked to this Spotify account: sign in with your password and connect Spotify first',
      );
    }
    await this.link(user, tokens, me);
    return user;
  }

  private newAuthorization(redirectUri: string): PendingAuthorization {
    this.clientId(); // without one, refuse before anything is stored
    return {
      state: randomBytes(24).toString('base64url'),
      codeVerifier: randomBytes(64).toString('base64url'),
      redirectUri,
    };
  }

  private authorizeUrl(pending: PendingAuthorization): string {
    const url = new URL(`${this.config.spotify.accountsUrl}/authorize`);
    url.search = new URLSearchParams({
      client_id: this.clientId(),
      response_type: 'code',
      redirect_uri: pending.redirectUri,
      state: pending.state,
      scope: SPOTIFY_SCOPES.join(' '),
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(pending.codeVerifier).digest('base64url'),
    }).toString();
    return url.toString();
  }

  /** Finishes a login: trades the code for tokens and links the Spotify account. */
  async completeLogin(user: AuthUser, answer: CallbackAnswer): Promise<SpotifyConnection> {
    const pending = await this.accounts.takeAuthorization(user.id, answer.state);
    if (!pending) {
      throw new ApiError(
        400,
        'invalid_state',
        'Unknown or expired login: start again at /api/auth/spotify/login',
      );
    }
    const { tokens, me } = await this.redeemAnswer(answer, pending);
    await this.link(user, tokens, me);
    return this.connection(user);
  }

  /** Spotify's answer: tokens and their owner, or why there are none. */
  private async redeemAnswer(answer: CallbackAnswer, pending: PendingAuthorization) {
    if (answer.error || !answer.code) {
      throw new ApiError(
        400,
        'spotify_denied',
        `Spotify did not authorize the connection: ${answer.error ?? 'no code'}`,
      );
    }
    return this.redeem(answer.code, pending).catch((error: unknown) => {
      throw loginFailure(error);
    });
  }

  /** Stores the user's sealed tokens: connected (again). */
  private async link(user: AuthUser, tokens: SpotifyTokenResponse, me: SpotifyUser) {
    try {
      await this.accounts.save(user.id, {
        spotifyUserId: me.id,
        displayName: me.display_name,
        scopes: tokens.scope.split(' ').filter(Boolean),
        accessTokenEnc: this.cipher.encrypt(tokens.access_token, context(user.id, 'access')),
        refreshTokenEnc: this.cipher.encrypt(tokens.refresh_token!, context(user.id, 'refresh')),
        expiresAt: expiry(tokens),
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ApiError(
        409,
        'spotify_account_taken',
        'This Spotify account is linked to another Spotlib user',
      );
    }
  }

  /** The code for tokens, and who they belong to. */
  private async redeem(code: string, pending: PendingAuthorization) {
    const tokens = await this.exchange({
      grant_type: 'authorization_code',
      code,
      redirect_uri: pending.redirectUri,
      client_id: this.clientId(),
      code_verifier: pending.codeVerifier,
    });
    if (!tokens.refresh_token) {
      throw new ApiError(502, 'spotify_error', 'Spotify sent no refresh token');
    }
    const me = await this.http.api<SpotifyUser>({
      url: `${this.config.spotify.apiUrl}/me`,
      auth: fixedToken(tokens.access_token),
    });
    return { tokens, me };
  }

  async connection(user: AuthUser): Promise<SpotifyConnection> {
    const account = await this.accounts.find(user.id);
    if (!account) {
      return {
        connected: false,
        status: 'not_connected',
        spotifyUserId: null,
        displayName: null,
        scopes: [],
        lastError: null,
      };
    }
    return {
      connected: account.status === 'connected',
      status: account.status,
      spotifyUserId: account.spotify_user_id,
      displayName: account.display_name,
      scopes: account.scopes,
      lastError: account.last_error,
    };
  }

  async disconnect(user: AuthUser): Promise<void> {
    if (!(await this.accounts.remove(user.id))) {
      throw new ApiError(404, 'not_found', 'No Spotify account is connected');
    }
  }

  /**
   * Bearer tokens for the user's requests, refreshed before they expire.
   * The source keeps the token it read until then: a sync makes thousands
   * of requests, and reading and opening the sealed token for each was a
   * tenth of its database work.
   */
  tokenSource(userId: number): AccessTokenSource {
    let current: AccessToken | undefined;
    const fresh = (token: AccessToken | undefined): token is AccessToken =>
      !!token && token.expiresAt.getTime() - Date.now() > REFRESH_MARGIN_MS;
    return {
      token: async () => {
        if (fresh(current)) return current.token;
        const account = await this.requireAccount(userId);
        current = {
          token: await this.open(userId, account.access_token_enc, 'access'),
          expiresAt: account.access_token_expires_at,
        };
        if (!fresh(current)) current = await this.refresh(userId);
        return current.token;
      },
      refresh: async () => {
        current = await this.refresh(userId);
        return current.token;
      },
    };
  }

  private refresh(userId: number): Promise<AccessToken> {
    let running = this.refreshing.get(userId);
    if (!running) {
      running = this.refreshOnce(userId).finally(() => this.refreshing.delete(userId));
      this.refreshing.set(userId, running);
    }
    return running;
  }

  private async refreshOnce(userId: number, attempt = 1): Promise<AccessToken> {
    const account = await this.requireAccount(userId);
    const used = account.refresh_token_enc;
    let tokens: SpotifyTokenResponse;
    try {
      tokens = await this.exchange({
        grant_type: 'refresh_token',
        refresh_token: await this.open(userId, used, 'refresh'),
        client_id: this.clientId(),
      });
    } catch (error) {
      if (!(error instanceof SpotifyOAuthError) || error.error !== 'invalid_grant') throw error;
      // Another process may have rotated the token meanwhile: then try with the new one.
      const now = await this.accounts.find(userId);
      if (attempt === 1 && now && !sameBytes(now.refresh_token_enc, used))
        return this.refreshOnce(userId, 2);
      await this.accounts.markNeedsReconnect(
        userId,
        `Spotify refused the refresh token (${error.description ?? error.error})`,
      );
      throw needsReconnect();
    }
    const expiresAt = expiry(tokens);
    const stored = await this.accounts.updateTokens(userId, used, {
      accessTokenEnc: this.cipher.encrypt(tokens.access_token, context(userId, 'access')),
      refreshTokenEnc: tokens.refresh_token
        ? this.cipher.encrypt(tokens.refresh_token, context(userId, 'refresh'))
        : undefined,
      expiresAt,
    });
    if (!stored && attempt === 1) return this.refreshOnce(userId, 2);
    return { token: tokens.access_token, expiresAt };
  }

  /**
   * A stored token; one that no longer opens (the key file was lost, or
   * ENCRYPTION_KEY changed) is as good as refused: reconnecting replaces it.
   */
  private async open(userId: number, sealed: Uint8Array, kind: 'access' | 'refresh') {
    try {
      return this.cipher.decrypt(sealed, context(userId, kind));
    } catch {
      await this.accounts.markNeedsReconnect(
        userId,
        'The stored tokens cannot be decrypted with this encryption key',
      );
      throw needsReconnect();
    }
  }

  /** The user's working link to Spotify; 409 when missing or refused. */
  async requireAccount(userId: number) {
    const account = await this.accounts.find(userId);
    if (!account) {
      throw new ApiError(
        409,
        'spotify_not_connected',
        'Connect Spotify first: open /api/auth/spotify/login',
      );
    }
    if (account.status === 'needs_reconnect') throw needsReconnect();
    return account;
  }

  private exchange(form: Record<string, string>): Promise<SpotifyTokenResponse> {
    return this.http.form<SpotifyTokenResponse>({
      url: `${this.config.spotify.accountsUrl}/api/token`,
      form,
    });
  }

  private clientId(): string {
    const { clientId } = this.config.spotify;
    if (!clientId) {
      throw new ApiError(
        503,
        'spotify_not_configured',
        'Spotify is not configured: set SPOTIFY_CLIENT_ID (see the README)',
      );
    }
    return clientId;
  }
}

export function needsReconnect(): ApiError {
  return new ApiError(
    409,
    'spotify_needs_reconnect',
    'Spotify no longer accepts this connection: reconnect at /api/auth/spotify/login',
  );
}

const context = (userId: number, token: 'access' | 'refresh') => `spotify:${userId}:${token}`;
const expiry = (tokens: SpotifyTokenResponse) => new Date(Date.now() + tokens.expires_in * 1000);
const fixedToken = (token: string): AccessTokenSource => ({
  token: () => Promise.resolve(token),
  refresh: () => Promise.resolve(token),
});
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Why a login could not finish, as the API says it (Spotify's own failures included). */
function loginFailure(error: unknown): unknown {
  if (error instanceof SpotifyOAuthError) {
    return new ApiError(
      400,
      'spotify_login_failed',
      `Spotify refused the login (${error.error}): start again at /api/auth/spotify/login`,
    );
  }
  if (error instanceof SpotifyApiError && error.status === 403) {
    return new ApiError(
      403,
      'spotify_user_not_allowed',
      "Spotify refused this account: in development mode, add it to the app's users in Spotify's dashboard",
    );
  }
  return asApiError(error);
}
