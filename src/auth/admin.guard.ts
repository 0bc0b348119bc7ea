import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/http-error.filter.js';
import { UsersRepository } from '../users/users.repository.js';
import type { RequestWithUser } from './current-user.decorator.js';

/**
 * Lets only administrators through: `@UseGuards(AdminGuard)` on a controller
 * or route. It runs after the global user guard, which resolved the user; the
 * local user of local mode is an administrator of their own instance.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly users: UsersRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<RequestWithUser>().user;
    const row = user ? await this.users.findById(user.id) : undefined;
    if (!row?.is_admin) throw new ApiError(403, 'forbidden', 'Administrators only');
    return true;
  }
}
