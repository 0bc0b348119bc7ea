import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/errors/http-error.filter.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { SignInDto } from './auth.dto.js';
import { LOCAL_USERNAME, LocalUserService } from './local-user.service.js';
import { Public } from './public.decorator.js';
import { isSameOrigin } from './request-origin.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie.js';
import { SessionService } from './session.service.js';

/** Password guessing is slow by design (scrypt) and bounded per address. */
const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

export interface SessionState {
  mode: AppConfig['auth']['mode'];
  user: { id: number; username: string } | null;
  /** send it as x-csrf-token with every change made through the session cookie */
  csrfToken: string | null;
}

@ApiTags('account')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionService,
    private readonly localUser: LocalUserService,
  ) {}

  @Public()
  @Get('session')
  @ApiOperation({ summary: 'Who is signed in (null when nobody), and the CSRF token' })
  async session(@Req() request: FastifyRequest): Promise<SessionState> {
    const mode = this.config.auth.mode;
    if (mode === 'local') {
      return {
        mode,
        user: { ...(await this.localUser.get()), username: LOCAL_USERNAME },
        csrfToken: null,
      };
    }
    const token = sessionTokenOf(request);
    const user = token ? await this.sessions.authenticate(token) : null;
    return { mode, user, csrfToken: user && token ? this.sessions.csrfToken(token) : null };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @RouteConfig({ rateLimit: { max: SIGN_IN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } })
  @ApiOperation({
    summary: 'Sign in with username and password (multi-user mode): sets the cookie',
  })
  async login(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: SignInDto,
  ): Promise<SessionState> {
    this.sessions.requireSignInMode();
    requireSameOrigin(request);
    const signedIn = await this.sessions.signIn(
      body.username,
      body.password,
      request.headers['user-agent'] ?? null,
    );
    setSessionCookie(request, reply, signedIn.token, signedIn.expiresAt);
    return {
      mode: 'multi',
      user: signedIn.user,
      csrfToken: this.sessions.csrfToken(signedIn.token),
    };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: ends the session of this cookie' })
  async logout(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    requireSameOrigin(request);
    const token = sessionTokenOf(request);
    if (token) await this.sessions.signOut(token);
    clearSessionCookie(request, reply);
  }
}

/**
 * Another site must not sign a browser in or out (login CSRF). Browsers send
 * Origin with every cross-site POST; scripts and the CLI send none.
 */
function requireSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !isSameOrigin(origin, request)) {
    throw new ApiError(
      403,
      'cross_origin',
      'Sign-in is accepted only from this server’s own pages',
    );
  }
}
