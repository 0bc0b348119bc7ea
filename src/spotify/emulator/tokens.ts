import { createHash, randomBytes } from 'node:crypto';

/**
 * The accounts service's memory: authorization codes, access tokens and
 * refresh tokens, checked the way Spotify checks them (PKCE, single-use
 * codes, rotating refresh tokens).
 */

/** An RFC 6749 error, answered by the token endpoint as `{error, error_description}` with 400. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type',
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export interface IssuedTokens {
  access_token: string;
  token_type: 'Bearer';
  scope: string;
  expires_in: number;
  refresh_token?: string;
}

export type AccessCheck =
  | { ok: true; scopes: ReadonlySet<string> }
  | { ok: false; message: 'Invalid access token' | 'The access token expired' };

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

interface RefreshToken {
  clientId: string;
  scope: string;
}

/** Spotify's authorization codes live 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60_000;

export class TokenStore {
  /** Spotify may hand out a new refresh token on refresh (and then the old one stops working). */
  rotateRefreshTokens = true;
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, { scope: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(private readonly accessTokenTtlSeconds: number) {}

  issueCode(grant: Omit<AuthorizationCode, 'expiresAt' | 'used'>): string {
    const code = randomToken();
    this.codes.set(code, { ...grant, expiresAt: Date.now() + CODE_LIFETIME_MS, used: false });
    return code;
  }

  exchangeCode(request: {
    code: string;
    redirectUri: string;
    clientId: string;
    codeVerifier: string;
  }): IssuedTokens {
    const grant = this.codes.get(request.code);
    if (!grant || grant.used || grant.expiresAt < Date.now()) {
      throw new OAuthError('invalid_grant', 'Invalid authorization code');
    }
    if (grant.clientId !== request.clientId) {
      throw new OAuthError('invalid_client', 'Invalid client');
    }
    if (grant.redirectUri !== request.redirectUri) {
      throw new OAuthError('invalid_grant', 'Invalid redirect URI');
    }
    if (codeChallenge(request.codeVerifier) !== grant.codeChallenge) {
      throw new OAuthError('invalid_grant', 'code_verifier was incorrect');
    }
    grant.used = true;
    const refreshToken = randomToken();
    this.refreshTokens.set(refreshToken, { clientId: grant.clientId, scope: grant.scope });
    return { ...this.issueAccessToken(grant.scope), refresh_token: refreshToken };
  }

  refresh(request: { refreshToken: string; clientId: string }): IssuedTokens {
    const grant = this.refreshTokens.get(request.refreshToken);
    if (!grant) throw new OAuthError('invalid_grant', 'Invalid refresh token');
    if (grant.clientId !== request.clientId) {
      throw new OAuthError('invalid_client', 'Invalid client');
    }
    const tokens = this.issueAccessToken(grant.scope);
    if (!this.rotateRefreshTokens) return tokens;
    this.refreshTokens.delete(request.refreshToken);
    const rotated = randomToken();
    this.refreshTokens.set(rotated, grant);
    return { ...tokens, refresh_token: rotated };
  }

  checkAccessToken(token: string): AccessCheck {
    const grant = this.accessTokens.get(token);
    if (!grant) return { ok: false, message: 'Invalid access token' };
    if (grant.expiresAt <= Date.now()) return { ok: false, message: 'The access token expired' };
    return { ok: true, scopes: new Set(grant.scope.split(' ')) };
  }

  /** Every refresh token issued so far now answers invalid_grant (the user revoked the app, or 6 months passed). */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  /** Every access token issued so far now answers 401 "The access token expired". */
  expireAccessTokens(): void {
    for (const grant of this.accessTokens.values()) grant.expiresAt = 0;
  }

  /** An access token outright, for tests that do not care about the OAuth dance. */
  issueAccessToken(scope: string): IssuedTokens {
    const token = randomToken();
    this.accessTokens.set(token, {
      scope,
      expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      scope,
      expires_in: this.accessTokenTtlSeconds,
    };
  }
}

/** PKCE S256: base64url(sha256(verifier)). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
