import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ApiTokenService } from './api-token.service.js';
import type { RequestWithUser } from './current-user.decorator.js';
import { LocalUserService } from './local-user.service.js';
import { IS_PUBLIC, REQUIRES_API_TOKEN } from './public.decorator.js';
import { CSRF_HEADER, isUnsafe, sessionTokenOf } from './session-cookie.js';
import { SessionService } from './session.service.js';

type Request = FastifyRequest & RequestWithUser;

/**
 * Resolves the request's user; every route needs one unless marked @Public.
 * In order: an API token (`Authorization: Bearer <token>`, or `Token <token>`
 * as ListenBrainz clients send it); a session cookie (multi-user mode; a
 * write must also carry the session's CSRF token); the local user (local mode).
 */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly localUser: LocalUserService,
    private readonly tokens: ApiTokenService,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const flag = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
    if (flag(IS_PUBLIC)) return true;
    const request = context.switchToHttp().getRequest<Request>();
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
    request.user =
      this.config.auth.mode === 'local'
        ? await this.localUser.get()
        : await this.sessionUser(request);
    return true;
  }

  private async sessionUser(request: Request) {
    const session = sessionTokenOf(request);
    if (!session) throw new ApiError(401, 'unauthenticated', 'Sign in first');
    const user = await this.sessions.authenticate(session);
    if (!user) throw new ApiError(401, 'session_expired', 'Your session has ended: sign in again');
    const csrf = request.headers[CSRF_HEADER];
    if (isUnsafe(request) && !this.sessions.acceptsCsrf(session, [csrf].flat()[0])) {
      throw new ApiError(
        403,
        'csrf_token_invalid',
        `A change made with a session cookie needs the ${CSRF_HEADER} header from GET /api/auth/session`,
      );
    }
    return { id: user.id };
  }
}

/** The token of an Authorization header; '' for a malformed one, undefined without one. */
export function apiTokenOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:Bearer|Token)\s+(\S+)\s*$/i.exec(Array.isArray(header) ? header[0]! : header);
  return match?.[1] ?? '';
}
