import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/http-error.filter.js';
import { sameSecret } from '../common/same-secret.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthUser } from './auth-user.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SignedIn {
  /** the cookie's value: shown to the browser once, only its hash is kept */
  token: string;
  expiresAt: Date;
  user: AuthUser & { username: string };
}

/**
 * Browser sessions of multi-user mode. A session is 256 random bits in an
 * HttpOnly cookie; the database keeps its SHA-256. Its CSRF token is derived
 * from it, so nothing else is stored and a page script can only learn it
 * from an answer of this origin.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly sessions: SessionRepository,
    private readonly passwords: PasswordHasher,
  ) {}

  /** Sign-in exists only in multi-user mode: local mode has nobody to sign in as. */
  requireSignInMode(): void {
    if (this.config.auth.mode === 'local') {
      throw new ApiError(409, 'local_mode', 'This server runs in local mode: there is no sign-in');
    }
  }

  /** Checks the password and opens a session; one answer for every kind of failure. */
  async signIn(username: string, password: string, userAgent: string | null): Promise<SignedIn> {
    this.requireSignInMode();
    const account = await this.users.findByUsername(username.trim().toLowerCase());
    const valid = await this.passwords.verify(password, account?.password_hash);
    const refused = new ApiError(401, 'invalid_credentials', 'Wrong username or password');
    if (!account?.password_hash || !valid) throw refused;
    const { session, signedIn } = this.newSession(account, userAgent);
    if (!(await this.sessions.createIfPasswordIs(session, account.password_hash))) throw refused;
    return signedIn;
  }

  /** A session for a user already proven (sign in with Spotify). */
  async open(user: SignedIn['user'], userAgent: string | null): Promise<SignedIn> {
    this.requireSignInMode();
    const { session, signedIn } = this.newSession(user, userAgent);
    await this.sessions.create(session);
    return signedIn;
  }

  private newSession(user: SignedIn['user'], userAgent: string | null) {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.auth.sessionDays * DAY_MS);
    return {
      session: { userId: user.id, tokenHash: hashOf(token), expiresAt, userAgent },
      signedIn: { token, expiresAt, user: { id: user.id, username: user.username } },
    };
  }

  /** The user of a live session, or null for an unknown or expired one. */
  async authenticate(token: string): Promise<(AuthUser & { username: string }) | null> {
    const row = await this.sessions.use(hashOf(token));
    return row ? { id: row.user_id, username: row.username } : null;
  }

  async signOut(token: string): Promise<void> {
    await this.sessions.delete(hashOf(token));
  }

  csrfToken(sessionToken: string): string {
    return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
  }

  acceptsCsrf(sessionToken: string, given: string | undefined): boolean {
    return !!given && sameSecret(given, this.csrfToken(sessionToken));
  }
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
