import { Injectable } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthUser } from './auth-user.js';

export const LOCAL_USERNAME = 'local';

/**
 * Local mode has one user, created on first use. Resolved lazily so commands
 * that run before migrations (`db status`) do not need the users table.
 */
@Injectable()
export class LocalUserService {
  private user?: Promise<AuthUser>;

  constructor(private readonly users: UsersRepository) {}

  get(): Promise<AuthUser> {
    this.user ??= this.users.ensure(LOCAL_USERNAME).then(
      (user) => ({ id: user.id }),
      (error: unknown) => {
        this.user = undefined;
        throw error;
      },
    );
    return this.user;
  }
}
