import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { AuthUser } from './auth-user.js';
import { ApiTokenRepository } from './api-token.repository.js';

const TOKEN_PREFIX = 'slt_';

export interface ApiTokenInfo {
  id: number;
  name: string;
  /** the token's last characters, to tell tokens apart */
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedToken {
  id: number;
  name: string;
  /** shown once: only its hash is kept */
  token: string;
}

/**
 * API tokens for the CLI, scripts and scrobblers. 256 random bits; only the
 * SHA-256 is stored (a token is not a password: it has full entropy, so a
 * fast hash is enough and lookups stay one index probe).
 */
@Injectable()
export class ApiTokenService {
  constructor(private readonly tokens: ApiTokenRepository) {}

  async create(user: AuthUser, name = 'API token'): Promise<CreatedToken> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row = await this.tokens.create(user.id, name, hashToken(token), token.slice(-4));
    return { id: row.id, name: row.name, token };
  }

  async list(user: AuthUser): Promise<ApiTokenInfo[]> {
    const rows = await this.tokens.listLive(user.id);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      hint: `…${row.token_hint}`,
      createdAt: row.created_at.toISOString(),
      lastUsedAt: row.last_used_at?.toISOString() ?? null,
    }));
  }

  async revoke(user: AuthUser, id: number): Promise<void> {
    if (!(await this.tokens.revoke(user.id, id))) {
      throw new ApiError(404, 'not_found', 'No such API token');
    }
  }

  /** The user a token belongs to, or null for an unknown or revoked token. */
  async authenticate(token: string): Promise<(AuthUser & { username: string }) | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const row = await this.tokens.use(hashToken(token));
    return row ? { id: row.user_id, username: row.username } : null;
  }
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
