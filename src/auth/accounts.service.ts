import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/http-error.filter.js';
import { UsersRepository } from '../users/users.repository.js';
import { ApiTokenService } from './api-token.service.js';
import { PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';

/** The same rule as the app_user CHECK, said in words. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
export const USERNAME_RULE =
  'a username is 1 to 40 characters: lower-case letters, digits, "_", "." and "-", starting with a letter or digit';
export const MIN_PASSWORD_LENGTH = 10;
/** scrypt reads the whole password; a bound keeps a huge one from being a cheap denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

export interface CreatedAccount {
  id: number;
  name: string;
  /** an API token made with the account, shown once */
  token: string;
}

/** Spotlib's own accounts (multi-user mode): created by an administrator from the CLI. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly tokens: ApiTokenService,
    private readonly sessions: SessionRepository,
  ) {}

  async create(
    name: string,
    options: { password?: string | undefined; admin?: boolean | undefined },
  ): Promise<CreatedAccount> {
    if (!USERNAME_PATTERN.test(name)) throw new ApiError(400, 'invalid_username', USERNAME_RULE);
    const passwordHash =
      options.password === undefined ? null : await this.passwords.hash(checked(options.password));
    const user = await this.users.create(name, { passwordHash, isAdmin: options.admin ?? false });
    if (!user) throw new ApiError(409, 'username_taken', `A user named ${name} already exists`);
    const { token } = await this.tokens.create({ id: user.id }, 'created with the account');
    return { id: user.id, name: user.username, token };
  }

  async list() {
    const rows = await this.users.list();
    return rows.map((row) => ({
      id: row.id,
      name: row.username,
      admin: row.is_admin,
      hasPassword: row.has_password,
      createdAt: row.created_at.toISOString(),
    }));
  }

  /** Sets a new password and ends the user's sessions (API tokens stay). */
  async setPassword(userId: number, password: string): Promise<void> {
    const hash = await this.passwords.hash(checked(password));
    if (!(await this.users.setPassword(userId, hash))) {
      throw new ApiError(404, 'not_found', `No user with id ${userId}`);
    }
    await this.sessions.deleteAllOf(userId);
  }
}

function checked(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new ApiError(
      400,
      'invalid_password',
      `a password is ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
  return password;
}
