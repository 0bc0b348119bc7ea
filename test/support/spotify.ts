import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { expect } from 'vitest';
import type { AppConfig } from '../../src/config/config.js';
import { startSpotifyEmulator, type SpotifyEmulator } from '../../src/spotify/emulator/index.js';

export const TEST_CLIENT_ID = 'spotlibtestclient';
/** Spotlib's callback as the tests' config names it; requests reach it through inject(). */
export const TEST_REDIRECT_URI = 'http://127.0.0.1:8888/api/auth/spotify/callback';

export function startTestEmulator(options: { tracks: number; seed: number }) {
  return startSpotifyEmulator({ ...options, port: 0, clientId: TEST_CLIENT_ID });
}

/** The app's Spotify settings pointing at an emulator. */
export function spotifyConfig(emulator: SpotifyEmulator): Partial<AppConfig> {
  return {
    spotify: {
      clientId: TEST_CLIENT_ID,
      redirectUri: TEST_REDIRECT_URI,
      signInRedirectUri: TEST_REDIRECT_URI.replace(/\/callback$/, '/signin/callback'),
      apiUrl: `${emulator.url}/v1`,
      accountsUrl: emulator.url,
      pollCron: '*/30 * * * *',
    },
  };
}

/**
 * The browser's part of a login: Spotlib's login redirect, the emulator's
 * automatic consent, and the callback back into Spotlib.
 */
export async function connectSpotify(
  app: NestFastifyApplication,
  headers: Record<string, string> = {},
) {
  const login = await app.inject({ method: 'GET', url: '/api/auth/spotify/login', headers });
  expect(login.statusCode).toBe(302);
  const consent = await fetch(login.headers.location as string, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location')!);
  expect(`${callback.origin}${callback.pathname}`).toBe(TEST_REDIRECT_URI);
  return app.inject({ method: 'GET', url: `${callback.pathname}${callback.search}`, headers });
}
