import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ApiTokenService } from './api-token.service.js';
import type { AuthUser } from './auth-user.js';
import type { RequestWithUser } from './current-user.decorator.js';
import { LocalUserService } from './local-user.service.js';
import { IS_PUBLIC, REQUIRES_API_TOKEN } from './public.decorator.js';
import { CSRF_HEADER, isUnsafe, sessionTokenOf } from './session-cookie.js';
import { SessionService } from './session.service.js';
import { isAddressedToLoopback, isCrossSite } from './request-origin.js';
import { UserRateLimit } from './user-rate-limit.js';

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
    private readonly rateLimit: UserRateLimit,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const flag = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]);
    if (flag(IS_PUBLIC)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    request.user = await this.userOf(request, flag(REQUIRES_API_TOKEN));
    await this.rateLimit.check(request, http.getResponse<FastifyReply>());
    return true;
  }

  private async userOf(request: Request, tokenRequired: boolean): Promise<AuthUser> {
    const token = apiTokenOf(request.headers.authorization);
    if (token !== undefined) {
      const user = token ? await this.tokens.authenticate(token) : null;
      if (!user) throw new ApiError(401, 'unauthorized', 'Invalid or revoked API token');
      return { id: user.id };
    }
    if (tokenRequired) {
      throw new ApiError(
        401,
        'unauthorized',
        'An API token is required: Authorization: Token <token>',
      );
    }
    if (this.config.auth.mode === 'multi') return this.sessionUser(request);
    requireLocalCaller(request);
    return this.localUser.get();
  }

  private async sessionUser(request: Request): Promise<AuthUser> {
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

/**
 * Local mode lets whoever reaches it act as its user, which includes every
 * web page the user's browser opens: a page of another site must not make
 * changes (CSRF), and a page whose domain was pointed at 127.0.0.1 (DNS
 * rebinding) must not be answered at all.
 */
function requireLocalCaller(request: FastifyRequest): void {
  if (!isAddressedToLoopback(request)) {
    throw new ApiError(
      403,
      'not_local',
      'Local mode answers only requests addressed to 127.0.0.1, ::1 or localhost',
    );
  }
  if (isUnsafe(request) && isCrossSite(request)) {
    throw new ApiError(403, 'cross_site', 'Another site’s page may not make changes here');
  }
}

/**
 * The token of an Authorization header with the Bearer or Token scheme ('' when
 * it has none); undefined without such a header (another scheme, e.g. a proxy's
 * Basic, is not ours).
 */
export function apiTokenOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /^(?:Bearer|Token)(?:\s+(\S*))?\s*$/i.exec(value);
  if (!match) return undefined;
  return match[1] ?? '';
}
