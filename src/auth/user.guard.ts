import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RequestWithUser } from './current-user.decorator.js';
import { LocalUserService } from './local-user.service.js';
import { IS_PUBLIC } from './public.decorator.js';

/** Resolves the request's user; every route needs one unless marked @Public. */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly localUser: LocalUserService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    request.user = await this.localUser.get();
    return true;
  }
}
