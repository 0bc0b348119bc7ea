import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountsService } from '../src/auth/accounts.service.js';
import type { SpotifyEmulator } from '../src/spotify/emulator/index.js';
import { createTestApp, useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { connectSpotify, spotifyConfig, startTestEmulator } from './support/spotify.js';

/** The README's promise: against the emulator, `curl -L` of the login connects Spotify. */
describeEachEngine('Spotify login through a listening server', (t) => {
  let emulator: SpotifyEmulator;
  let app: NestFastifyApplication;
  let origin: string;
  beforeAll(async () => {
    emulator = await startTestEmulator({ tracks: 20, seed: 3 });
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const { spotify } = spotifyConfig(emulator);
    app = await createTestApp(t.database, {
      spotify: { ...spotify!, redirectUri: `${origin}/api/auth/spotify/callback` },
    });
    await app.listen(port, '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  it('connects when a client just follows the redirects, as curl -L does', async () => {
    const answer = await fetch(`${origin}/api/auth/spotify/login`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      status: 'connected',
      spotifyUserId: emulator.state.user.id,
    });
    // a browser (asking for HTML) lands back on the app's Spotify page
    const browser = await fetch(`${origin}/api/auth/spotify/login`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    const consent = await fetch(browser.headers.get('location')!, { redirect: 'manual' });
    const back = await fetch(consent.headers.get('location')!, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/spotify');
    const replayed = await fetch(consent.headers.get('location')!, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(replayed.headers.get('location')).toMatch(/^\/spotify\?error=Unknown\+or\+expired/);

    const direct = await fetch(`${origin}/api/auth/spotify/login?redirect=false`);
    expect(await direct.json()).toEqual({ url: expect.stringMatching(/\/authorize\?/) });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describeEachEngine('Spotify login without a client id', (t) => {
  const server = useTestApp(t);

  it('says Spotify is not configured, storing no login', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/auth/spotify/login' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      error: 'spotify_not_configured',
      message: expect.stringMatching(/SPOTIFY_CLIENT_ID/),
    });
    const pending = await t.db.selectFrom('spotify_authorization').selectAll().execute();
    expect(pending).toEqual([]);
  });
});

describeEachEngine('sign in with Spotify (multi-user mode)', (t) => {
  let emulator: SpotifyEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ tracks: 5, seed: 4 });
  });
  const server = useTestApp(t, () => ({
    ...spotifyConfig(emulator),
    auth: { mode: 'multi', sessionDays: 30 },
  }));
  afterAll(async () => {
    await emulator.close();
  });

  /**
   * The browser's round trip: our redirect, Spotify's consent, our callback;
   * `browser: false` follows the link in a browser that did not start it.
   */
  const signInWithSpotify = async ({ browser = true } = {}) => {
    const start = await server.app.inject({ method: 'GET', url: '/api/auth/spotify/signin' });
    expect(start.statusCode).toBe(302);
    const started = /spotlib_signin=([^;]+)/.exec(String(start.headers['set-cookie']))![1]!;
    const consent = await fetch(start.headers.location as string, { redirect: 'manual' });
    const back = new URL(consent.headers.get('location')!);
    expect(back.pathname).toBe('/api/auth/spotify/signin/callback');
    return server.app.inject({
      method: 'GET',
      url: `${back.pathname}${back.search}`,
      headers: browser ? { cookie: `spotlib_signin=${started}` } : {},
    });
  };
  const cookieOf = (response: { headers: Record<string, unknown> }) =>
    /spotlib_session=([^;]+)/.exec(String(response.headers['set-cookie']))?.[1];

  it('signs in the account that connected this Spotify account, and nobody else', async () => {
    const unlinked = await signInWithSpotify();
    expect(unlinked.statusCode).toBe(403);
    expect(unlinked.json()).toMatchObject({ error: 'spotify_not_linked' });
    expect(cookieOf(unlinked)).toBeUndefined();

    const ana = await server.app
      .get(AccountsService)
      .create('ana', { password: 'a long enough password' });
    const bearer = { authorization: `Bearer ${ana.token}` };
    expect((await connectSpotify(server.app, bearer)).statusCode).toBe(200);

    const signedIn = await signInWithSpotify();
    expect(signedIn.statusCode).toBe(302);
    expect(signedIn.headers.location).toBe('/');
    const me = await server.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { cookie: `spotlib_session=${cookieOf(signedIn)}` },
    });
    expect(me.json()).toMatchObject({ id: ana.id, username: 'ana' });
  });

  it('signs nobody in through a callback link made in another browser (login CSRF)', async () => {
    const elsewhere = await signInWithSpotify({ browser: false });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.json()).toMatchObject({ error: 'signin_not_started_here' });
    expect(cookieOf(elsewhere)).toBeUndefined();
  });

  it('refuses a forged state', async () => {
    const forged = await server.app.inject({
      method: 'GET',
      url: '/api/auth/spotify/signin/callback?state=made-up&code=abc',
      headers: { cookie: 'spotlib_signin=made-up' },
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ error: 'invalid_state' });
  });
});
