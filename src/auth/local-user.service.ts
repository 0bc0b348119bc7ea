import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { UsersRepository } from '../users/users.repository.js';
import type { AuthUser } from './auth-user.js';

export const LOCAL_USERNAME = 'local';

/**
 * Local mode has one user, created on first use, who administers their own
 * instance. Resolved lazily so commands that run before migrations
 * (`db status`) do not need the users table. Multi-user mode has none: a
 * command there must say which user it acts for.
 */
@Injectable()
export class LocalUserService {
  private user?: Promise<AuthUser>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersRepository,
  ) {}

  get(): Promise<AuthUser> {
    if (this.config.auth.mode !== 'local') {
      return Promise.reject(
        new ApiError(
          400,
          'user_required',
          'AUTH_MODE=multi has no local user: say which user with --user <id> (spotlib user list)',
        ),
      );
    }
    this.user ??= this.users.ensure(LOCAL_USERNAME, { isAdmin: true }).then(
      (user) => ({ id: user.id }),
      (error: unknown) => {
        this.user = undefined;
        throw error;
      },
    );
    return this.user;
  }
}
