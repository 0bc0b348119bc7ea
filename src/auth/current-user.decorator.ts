import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthUser } from './auth-user.js';

export interface RequestWithUser {
  user?: AuthUser;
}

/** The authenticated user of the request, as the user guard resolved it. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  const user = ctx.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new Error('CurrentUser used on a route without a user (is it @Public?)');
  return user;
});
