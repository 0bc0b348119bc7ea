import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to the embedded database in ./data on 127.0.0.1:3000', () => {
    expect(loadConfig({})).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      engine: 'pglite',
      dataDir: path.resolve('data'),
      databaseUrl: undefined,
    });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/spotlib', PORT: '8080' });
    expect(config).toMatchObject({ engine: 'postgres', port: 8080 });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({
      port: 3000,
      engine: 'pglite',
    });
  });

  it('redirects Spotify logins to the loopback address of its own port unless told otherwise', () => {
    expect(loadConfig({ PORT: '8080' }).spotify).toEqual({
      clientId: undefined,
      redirectUri: 'http://127.0.0.1:8080/api/auth/spotify/callback',
      signInRedirectUri: 'http://127.0.0.1:8080/api/auth/spotify/signin/callback',
      apiUrl: 'https://api.spotify.com/v1',
      accountsUrl: 'https://accounts.spotify.com',
      pollCron: '*/30 * * * *',
    });
    const remote = 'https://music.example.org/api/auth/spotify/callback';
    expect(loadConfig({ SPOTIFY_REDIRECT_URI: remote }).spotify.redirectUri).toBe(remote);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['LOG_LEVEL', 'loud'],
    ['HISTORY_HOT_MONTHS', '0'],
    ['JOBS_ENABLED', 'maybe'],
    ['SPOTIFY_REDIRECT_URI', 'http://localhost:3000/api/auth/spotify/callback'],
    ['SPOTIFY_REDIRECT_URI', 'http://example.com/callback'],
    ['SPOTIFY_API_URL', 'not a url'],
    ['SPOTIFY_CLIENT_ID', 'has spaces'],
  ])('stops on a bad %s (%s), naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}:`));
  });
});
