import { Controller, Delete, Get, Headers, HttpCode, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { setSessionCookie, setSignInCookie, takeSignInCookie } from '../auth/session-cookie.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { SessionService } from '../auth/session.service.js';
import { CallbackQueryDto, LoginQueryDto } from './spotify-auth.dto.js';
import { SpotifyAuthService } from './spotify-auth.service.js';

@ApiTags('spotify')
@Controller('auth/spotify')
export class SpotifyAuthController {
  constructor(
    private readonly auth: SpotifyAuthService,
    private readonly sessions: SessionService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Whether your Spotify account is connected, or needs reconnecting' })
  connection(@CurrentUser() user: AuthUser) {
    return this.auth.connection(user);
  }

  @Get('login')
  @ApiOperation({ summary: "Start connecting Spotify: redirects to Spotify's authorize page" })
  async login(
    @CurrentUser() user: AuthUser,
    @Query() q: LoginQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const url = await this.auth.loginUrl(user);
    await (q.redirect ? reply.redirect(url, 302) : reply.send({ url }));
  }

  @Get('callback')
  @ApiOperation({
    summary: 'Where Spotify sends you back: links the account (a browser goes on to /spotify)',
  })
  async callback(
    @CurrentUser() user: AuthUser,
    @Query() q: CallbackQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!accept?.includes('text/html')) {
      await reply.send(await this.auth.completeLogin(user, q));
      return;
    }
    // a person in a browser: back to the app's Spotify page, with what went wrong if anything
    const outcome = await this.auth.completeLogin(user, q).then(
      () => '',
      (error: unknown) => {
        if (!(error instanceof ApiError)) throw error;
        return `?${new URLSearchParams({ error: error.body.message }).toString()}`;
      },
    );
    await reply.redirect(`/spotify${outcome}`, 302);
  }

  @Public()
  @Get('signin')
  @ApiOperation({
    summary: 'Sign in with Spotify (multi-user mode): for accounts that connected Spotify',
  })
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.sessions.requireSignInMode();
    const { url, state } = await this.auth.signInUrl();
    setSignInCookie(request, reply, state);
    await reply.redirect(url, 302);
  }

  @Public()
  @Get('signin/callback')
  @ApiOperation({ summary: 'Where Spotify sends a sign-in back: opens a session, then the app' })
  async signInCallback(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() q: CallbackQueryDto,
  ): Promise<void> {
    this.sessions.requireSignInMode();
    if (!takeSignInCookie(request, reply, q.state)) {
      throw new ApiError(
        403,
        'signin_not_started_here',
        'This sign-in was not started in this browser: start again at /api/auth/spotify/signin',
      );
    }
    const user = await this.auth.completeSignIn(q);
    const session = await this.sessions.open(user, request.headers['user-agent'] ?? null);
    setSessionCookie(request, reply, session.token, session.expiresAt);
    await reply.redirect('/', 302);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect Spotify (forgets the tokens; your library stays)' })
  disconnect(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.disconnect(user);
  }
}
