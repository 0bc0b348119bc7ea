import { createServer } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SpotifyEmulator } from '../src/spotify/emulator/index.js';
import { createTestApp, useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { spotifyConfig, startTestEmulator } from './support/spotify.js';

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
