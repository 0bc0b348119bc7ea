import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiError } from '../common/errors/http-error.filter.js';
import { ApiTokenService } from './api-token.service.js';
import type { RequestWithUser } from './current-user.decorator.js';
import { LocalUserService } from './local-user.service.js';
import { IS_PUBLIC, REQUIRES_API_TOKEN } from './public.decorator.js';

interface RequestWithHeaders extends RequestWithUser {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Resolves the request's user; every route needs one unless marked @Public.
 * An API token (`Authorization: Bearer <token>`, or `Token <token>` as
 * ListenBrainz clients send it) names its user; without one, local mode acts
 * for the local user.
 */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly localUser: LocalUserService,
    private readonly tokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const flag = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
    if (flag(IS_PUBLIC)) return true;
    const request = context.switchToHttp().getRequest<RequestWithHeaders>();
    const token = apiTokenOf(request.headers.authorization);
    if (token !== undefined) {
      const user = token ? await this.tokens.authenticate(token) : null;
      if (!user) throw new ApiError(401, 'unauthorized', 'Invalid or revoked API token');
      request.user = { id: user.id };
      return true;
    }
    if (flag(REQUIRES_API_TOKEN)) {
      throw new ApiError(
        401,
        'unauthorized',
        'An API token is required: Authorization: Token <token>',
      );
    }
    request.user = await this.localUser.get();
    return true;
  }
}

/** The token of an Authorization header; '' for a malformed one, undefined without one. */
export function apiTokenOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(Array.isArray(header) ? header[0]! : header);
  return match?.[1] ?? '';
}
