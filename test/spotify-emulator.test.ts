import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import {
  codeChallenge,
  startSpotifyEmulator,
  type SpotifyEmulator,
} from '../src/spotify/emulator/index.js';
import { normalize } from '../src/spotify/emulator/search.js';
import type {
  SpotifyArtist,
  SpotifyCursorPaging,
  SpotifyErrorBody,
  SpotifyOAuthErrorBody,
  SpotifyPaging,
  SpotifyPlayHistory,
  SpotifyPlaylistItem,
  SpotifySavedTrack,
  SpotifySearchResult,
  SpotifySimplifiedPlaylist,
  SpotifySnapshot,
  SpotifyTokenResponse,
  SpotifyTrack,
  SpotifyUser,
} from '../src/spotify/spotify-api.types.js';

const REDIRECT_URI = 'http://127.0.0.1:3000/api/auth/spotify/callback';
const CLIENT_ID = 'spotlibtestclient';

/** A started emulator with a token, and fetch helpers for it. */
interface Harness {
  emulator: SpotifyEmulator;
  token: string;
  get<T>(path: string, token?: string): Promise<{ status: number; body: T; headers: Headers }>;
  send<T>(
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

async function harness(options: { tracks: number; seed: number; failRate?: number }) {
  const emulator = await startSpotifyEmulator({ clientId: CLIENT_ID, ...options });
  const token = emulator.state.issueAccessToken();
  const call = async <T>(method: string, path: string, body: unknown, bearer = token) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      headers: response.headers,
    };
  };
  return {
    emulator,
    token,
    get: <T>(path: string, bearer?: string) => call<T>('GET', path, undefined, bearer),
    send: <T>(method: string, path: string, body: unknown) => call<T>(method, path, body),
  } satisfies Harness;
}

/** GET /authorize as a browser would, without following the redirect. */
async function authorize(url: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${url}/authorize?${new URLSearchParams(params).toString()}`, {
    redirect: 'manual',
  });
}

function pkceParams(verifier: string, extra: Record<string, string> = {}) {
  return {
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    state: 'xyz',
    scope: 'user-read-private user-library-read',
    code_challenge_method: 'S256',
    code_challenge: codeChallenge(verifier),
    ...extra,
  };
}

async function tokenRequest(url: string, form: Record<string, string>) {
  const response = await fetch(`${url}/api/token`, {
    method: 'POST',
    body: new URLSearchParams(form),
  });
  return {
    status: response.status,
    body: (await response.json()) as SpotifyTokenResponse & SpotifyOAuthErrorBody,
  };
}

/** Authorize and exchange the code: the whole PKCE dance. */
async function connect(url: string): Promise<SpotifyTokenResponse> {
  const verifier = randomBytes(32).toString('base64url');
  const redirect = await authorize(url, pkceParams(verifier));
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
  const { body } = await tokenRequest(url, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  });
  return body;
}

describe('Spotify emulator: accounts service', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ tracks: 60, seed: 1 });
  });
  afterAll(() => h.emulator.close());

  it('runs the PKCE round trip: authorize, exchange the code, call the API', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const redirect = await authorize(h.emulator.url, pkceParams(verifier));
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;

    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    };
    const tokens = await tokenRequest(h.emulator.url, exchange);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      scope: 'user-read-private user-library-read',
      expires_in: 3600,
      refresh_token: expect.any(String),
    });
    const me = await h.get<SpotifyUser>('/v1/me', tokens.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(h.emulator.state.user.id);

    // A code works once.
    const again = await tokenRequest(h.emulator.url, exchange);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });

  it('rejects a wrong verifier, another redirect URI and an unknown client', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const redirect = await authorize(h.emulator.url, pkceParams(verifier));
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    };
    const wrongVerifier = await tokenRequest(h.emulator.url, {
      ...exchange,
      code_verifier: randomBytes(32).toString('base64url'),
    });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body).toEqual({
      error: 'invalid_grant',
      error_description: 'code_verifier was incorrect',
    });
    const wrongRedirect = await tokenRequest(h.emulator.url, {
      ...exchange,
      redirect_uri: 'http://127.0.0.1:3000/elsewhere',
    });
    expect(wrongRedirect.body.error).toBe('invalid_grant');
    const wrongClient = await tokenRequest(h.emulator.url, { ...exchange, client_id: 'other' });
    expect(wrongClient.body.error).toBe('invalid_client');
    const unsupported = await tokenRequest(h.emulator.url, { ...exchange, grant_type: 'password' });
    expect(unsupported.body.error).toBe('unsupported_grant_type');
    // The code is still good for the right verifier.
    expect((await tokenRequest(h.emulator.url, exchange)).status).toBe(200);
  });

  it('validates /authorize like Spotify: errors back to the redirect URI, or a page', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const errorOf = async (extra: Record<string, string>) => {
      const response = await authorize(h.emulator.url, pkceParams(verifier, extra));
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.searchParams.get('state')).toBe('xyz');
      return location.searchParams.get('error');
    };
    expect(await errorOf({ code_challenge_method: 'plain' })).toBe('invalid_request');
    expect(await errorOf({ code_challenge: 'short' })).toBe('invalid_request');
    expect(await errorOf({ response_type: 'token' })).toBe('unsupported_response_type');
    expect(await errorOf({ scope: 'user-read-private make-coffee' })).toBe('invalid_scope');

    const withoutRedirect: Record<string, string> = pkceParams(verifier);
    delete withoutRedirect.redirect_uri;
    expect((await authorize(h.emulator.url, withoutRedirect)).status).toBe(400);
    const localhost = pkceParams(verifier, { redirect_uri: 'http://localhost:3000/callback' });
    expect((await authorize(h.emulator.url, localhost)).status).toBe(400);
    const unknownClient = pkceParams(verifier, { client_id: 'someoneelse' });
    expect((await authorize(h.emulator.url, unknownClient)).status).toBe(400);
  });

  it('rotates refresh tokens: the old one then answers invalid_grant', async () => {
    const first = await connect(h.emulator.url);
    const refresh = (refreshToken: string) =>
      tokenRequest(h.emulator.url, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: CLIENT_ID,
      });
    const rotated = await refresh(first.refresh_token!);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).toEqual(expect.any(String));
    expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
    expect(rotated.body.access_token).not.toBe(first.access_token);
    expect((await h.get('/v1/me', rotated.body.access_token)).status).toBe(200);

    const stale = await refresh(first.refresh_token!);
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');

    // Without rotation, the refresh token stays and none comes back.
    h.emulator.state.rotateRefreshTokens = false;
    try {
      const kept = await refresh(rotated.body.refresh_token!);
      expect(kept.status).toBe(200);
      expect(kept.body.refresh_token).toBeUndefined();
      expect((await refresh(rotated.body.refresh_token!)).status).toBe(200);
    } finally {
      h.emulator.state.rotateRefreshTokens = true;
    }
  });

  it('answers invalid_grant for revoked refresh tokens', async () => {
    const tokens = await connect(h.emulator.url);
    h.emulator.state.revokeRefreshTokens();
    const refreshed = await tokenRequest(h.emulator.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: CLIENT_ID,
    });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('answers 401 for a missing, unknown or expired access token', async () => {
    const missing = await fetch(`${h.emulator.url}/v1/me`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: { status: 401, message: 'No token provided' } });
    const unknown = await h.get<SpotifyErrorBody>('/v1/me', 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.status).toBe(401);

    const tokens = await connect(h.emulator.url);
    h.emulator.state.expireAccessTokens();
    const expired = await h.get<SpotifyErrorBody>('/v1/me', tokens.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: { status: 401, message: 'The access token expired' } });
    // A refresh brings a working token.
    const refreshed = await tokenRequest(h.emulator.url, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: CLIENT_ID,
    });
    expect((await h.get('/v1/me', refreshed.body.access_token)).status).toBe(200);
  });

  it('answers 403 when the token lacks the scope', async () => {
    const narrow = h.emulator.state.issueAccessToken(['user-read-private']);
    const tracks = await h.get<SpotifyErrorBody>('/v1/me/tracks', narrow);
    expect(tracks.status).toBe(403);
    expect(tracks.body.error.status).toBe(403);
  });
});

describe('Spotify emulator: library, plays, catalog and search', () => {
  const TRACKS = 237;
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ tracks: TRACKS, seed: 42 });
  });
  afterAll(() => h.emulator.close());

  it('pages /me/tracks newest first over every track exactly once', async () => {
    h.emulator.state.resetRequestCounts();
    const seen: string[] = [];
    const addedAt: string[] = [];
    let next: string | null = `${h.emulator.url}/v1/me/tracks?limit=50`;
    let pages = 0;
    while (next) {
      expect(next.startsWith(`${h.emulator.url}/v1/me/tracks?`)).toBe(true);
      const page: { body: SpotifyPaging<SpotifySavedTrack> } = await h.get(
        next.slice(h.emulator.url.length),
      );
      expect(page.body.total).toBe(TRACKS);
      expect(page.body.offset).toBe(pages * 50);
      expect(page.body.previous === null).toBe(pages === 0);
      seen.push(...page.body.items.map((item) => item.track.id));
      addedAt.push(...page.body.items.map((item) => item.added_at));
      next = page.body.next;
      pages++;
    }
    expect(pages).toBe(5);
    expect(h.emulator.state.requestCounts['GET /v1/me/tracks']).toBe(5);
    expect(new Set(seen).size).toBe(TRACKS);
    expect(new Set(seen)).toEqual(new Set(h.emulator.state.trackIds()));
    expect(seen).toEqual(h.emulator.state.savedTracks.map((saved) => saved.trackId));
    // Distinct added_at, newest first, to the second.
    for (let i = 1; i < addedAt.length; i++) expect(addedAt[i]! < addedAt[i - 1]!).toBe(true);
    expect(addedAt[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const defaults = await h.get<SpotifyPaging<SpotifySavedTrack>>('/v1/me/tracks');
    expect(defaults.body.limit).toBe(20);
    expect(defaults.body.items).toHaveLength(20);
    for (const bad of ['limit=0', 'limit=51', 'limit=ten', 'offset=-1']) {
      const answer = await h.get<SpotifyErrorBody>(`/v1/me/tracks?${bad}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.status).toBe(400);
    }
    const beyond = await h.get<SpotifyPaging<SpotifySavedTrack>>('/v1/me/tracks?offset=1000');
    expect(beyond.body.items).toEqual([]);
    expect(beyond.body.next).toBeNull();
  });

  it('puts newly saved tracks at the top and drops unsaved ones', async () => {
    const state = h.emulator.state;
    const [oldest, secondOldest] = state.savedTracks.slice(-2).map((saved) => saved.trackId);
    state.unsaveTracks([oldest!, secondOldest!]);
    expect(state.savedTracks).toHaveLength(TRACKS - 2);
    state.saveTracks([oldest!, secondOldest!], new Date('2026-06-01T12:00:00Z'));
    const top = await h.get<SpotifyPaging<SpotifySavedTrack>>('/v1/me/tracks?limit=2');
    expect(top.body.total).toBe(TRACKS);
    expect(top.body.items.map((item) => [item.track.id, item.added_at])).toEqual([
      [secondOldest, '2026-06-01T12:00:01Z'],
      [oldest, '2026-06-01T12:00:00Z'],
    ]);
  });

  it('serves the last 50 plays with after and before cursors', async () => {
    const state = h.emulator.state;
    const feed = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      '/v1/me/player/recently-played?limit=50',
    );
    expect(feed.status).toBe(200);
    const playedAt = feed.body.items.map((item) => Date.parse(item.played_at));
    expect(playedAt).toHaveLength(50);
    for (let i = 1; i < playedAt.length; i++) expect(playedAt[i]!).toBeLessThan(playedAt[i - 1]!);
    expect(feed.body.cursors).toEqual({
      after: String(playedAt[0]),
      before: String(playedAt.at(-1)),
    });
    expect(feed.body.next).toBeNull();

    const after = playedAt[10]!;
    const newer = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      `/v1/me/player/recently-played?limit=50&after=${after}`,
    );
    expect(newer.body.items.map((item) => Date.parse(item.played_at))).toEqual(
      playedAt.slice(0, 10),
    );
    const nothingNewer = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      `/v1/me/player/recently-played?after=${playedAt[0]}`,
    );
    expect(nothingNewer.body.items).toEqual([]);

    // Paging back with `next` (before=) reaches the oldest play once.
    const firstPage = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      '/v1/me/player/recently-played?limit=20',
    );
    const secondPage = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      firstPage.body.next!.slice(h.emulator.url.length),
    );
    expect(secondPage.body.items.map((item) => Date.parse(item.played_at))).toEqual(
      playedAt.slice(20, 40),
    );

    const both = await h.get<SpotifyErrorBody>(
      `/v1/me/player/recently-played?after=${after}&before=${after}`,
    );
    expect(both.status).toBe(400);

    // New plays push the oldest out of the feed.
    const trackId = state.trackIds()[3]!;
    const now = Date.now();
    state.addPlays([
      { trackId, playedAt: new Date(now + 1000) },
      { trackId, playedAt: new Date(now + 2000) },
    ]);
    expect(state.plays).toHaveLength(50);
    const latest = await h.get<SpotifyCursorPaging<SpotifyPlayHistory>>(
      `/v1/me/player/recently-played?after=${playedAt[0]}`,
    );
    expect(latest.body.items.map((item) => [item.track.id, Date.parse(item.played_at)])).toEqual([
      [trackId, now + 2000],
      [trackId, now + 1000],
    ]);
  });

  it('serves catalog objects one id at a time; batch lookups are forbidden', async () => {
    const trackId = h.emulator.state.trackIds()[0]!;
    const track = await h.get<SpotifyTrack>(`/v1/tracks/${trackId}`);
    expect(track.status).toBe(200);
    expect(track.body).toEqual(h.emulator.state.catalogTrack(trackId));
    expect(track.body.duration_ms).toBeGreaterThanOrEqual(90_000);
    expect(track.body.duration_ms).toBeLessThanOrEqual(480_999);

    const album = await h.get<{ id: string; tracks: { total: number } }>(
      `/v1/albums/${track.body.album.id}`,
    );
    expect(album.body.tracks.total).toBe(track.body.album.total_tracks);
    const artist = await h.get<SpotifyArtist>(`/v1/artists/${track.body.artists[0]!.id}`);
    expect(artist.body.name).toBe(track.body.artists[0]!.name);

    const unknown = await h.get<SpotifyErrorBody>('/v1/tracks/0000000000000000000000');
    expect(unknown.status).toBe(404);
    expect((await h.get('/v1/tracks/not-an-id')).status).toBe(400);
    for (const batch of ['tracks', 'albums', 'artists']) {
      const answer = await h.get<SpotifyErrorBody>(`/v1/${batch}?ids=${trackId}`);
      expect(answer.status).toBe(403);
      expect(answer.body.error.status).toBe(403);
    }
    expect((await h.get('/v1/no/such/endpoint')).status).toBe(404);
  });

  it('generates a varied world: albums, artists, credits, genres and accents', () => {
    const { catalog } = h.emulator.state;
    expect(catalog.albums.length).toBeGreaterThan(TRACKS / 20);
    expect(catalog.albums.length).toBeLessThan(TRACKS / 5);
    expect(catalog.artists).toHaveLength(Math.round(TRACKS / 25));
    const tracks = Array.from({ length: TRACKS }, (_, i) => catalog.track(i));
    const credits = new Set(tracks.map((track) => track.artistIndexes.length));
    expect(credits).toContain(1);
    expect([...credits].some((n) => n >= 2)).toBe(true);
    expect(catalog.artists.some((artist) => artist.genres.length === 0)).toBe(true);
    expect(catalog.artists.every((artist) => artist.genres.length <= 3)).toBe(true);
    expect(catalog.artists.some((artist) => normalize(artist.name) !== artist.name)).toBe(true);
    expect(tracks.every((track) => /^[0-9A-Za-z]{22}$/.test(track.id))).toBe(true);
  });

  it('searches tracks by artist and track filters, ignoring case and accents', async () => {
    const { catalog } = h.emulator.state;
    // A track whose artist has an accent in its name.
    const target = Array.from({ length: TRACKS }, (_, i) => catalog.track(i)).find((track) =>
      /[^\x20-\x7e]/.test(catalog.artists[track.artistIndexes[0]!]!.name),
    )!;
    const artistName = catalog.artists[target.artistIndexes[0]!]!.name;
    const plain = normalize(artistName).toUpperCase();
    const q = `artist:"${plain}" track:"${target.name.toLowerCase()}"`;
    const found = await h.get<SpotifySearchResult>(
      `/v1/search?type=track&limit=10&q=${encodeURIComponent(q)}`,
    );
    expect(found.status).toBe(200);
    expect(found.body.tracks.items.map((track) => track.id)).toContain(target.id);
    for (const track of found.body.tracks.items) {
      expect(track.artists.some((artist) => normalize(artist.name).includes(normalize(plain))));
    }

    const bare = await h.get<SpotifySearchResult>(
      `/v1/search?type=track&q=${encodeURIComponent(`${plain} ${target.name}`)}&limit=10`,
    );
    expect(bare.body.tracks.items.map((track) => track.id)).toContain(target.id);

    const none = await h.get<SpotifySearchResult>('/v1/search?type=track&q=artist:zzzzzz');
    expect(none.body.tracks).toMatchObject({ items: [], total: 0, next: null });
    expect((await h.get('/v1/search?type=track&q=a&limit=11')).status).toBe(400);
    expect((await h.get('/v1/search?type=track')).status).toBe(400);
  });

  it('is deterministic: the same seed gives the same library, another seed another', async () => {
    const twin = await startSpotifyEmulator({ tracks: TRACKS, seed: 42 });
    const other = await startSpotifyEmulator({ tracks: TRACKS, seed: 43 });
    try {
      const firstPage = async (emulator: SpotifyEmulator) => {
        const response = await fetch(`${emulator.url}/v1/me/tracks?limit=50`, {
          headers: { authorization: `Bearer ${emulator.state.issueAccessToken()}` },
        });
        const page = (await response.json()) as SpotifyPaging<SpotifySavedTrack>;
        // hrefs name the emulator's own port: compare the rest.
        return JSON.parse(JSON.stringify(page).replaceAll(emulator.url, '')) as unknown;
      };
      const original = await startSpotifyEmulator({ tracks: TRACKS, seed: 42 });
      try {
        expect(await firstPage(twin)).toEqual(await firstPage(original));
        expect(await firstPage(other)).not.toEqual(await firstPage(original));
      } finally {
        await original.close();
      }
    } finally {
      await twin.close();
      await other.close();
    }
  });
});

describe('Spotify emulator: playlists', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ tracks: 300, seed: 7 });
  });
  afterAll(() => h.emulator.close());

  it('creates, fills, replaces, reorders and empties a playlist, each change a new snapshot', async () => {
    const ids = h.emulator.state.trackIds();
    const uri = (i: number) => `spotify:track:${ids[i]}`;
    const created = await h.send<SpotifySimplifiedPlaylist & { items: { total: number } }>(
      'POST',
      '/v1/me/playlists',
      { name: 'Crème de la crème', description: 'made by a test', public: false },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Crème de la crème',
      public: false,
      owner: { id: h.emulator.state.user.id },
      items: { total: 0 },
    });
    const id = created.body.id;
    const snapshots = [created.body.snapshot_id];

    const added = await h.send<SpotifySnapshot>('POST', `/v1/playlists/${id}/items`, {
      uris: [uri(0), uri(1), uri(2)],
    });
    expect(added.status).toBe(201);
    snapshots.push(added.body.snapshot_id);
    const inserted = await h.send<SpotifySnapshot>('POST', `/v1/playlists/${id}/items`, {
      uris: [uri(9)],
      position: 1,
    });
    snapshots.push(inserted.body.snapshot_id);
    expect(h.emulator.state.playlist(id)!.trackIds).toEqual([ids[0], ids[9], ids[1], ids[2]]);

    const items = await h.get<SpotifyPaging<SpotifyPlaylistItem>>(
      `/v1/playlists/${id}/items?limit=2&offset=1`,
    );
    expect(items.body.total).toBe(4);
    expect(items.body.items.map((item) => item.item!.id)).toEqual([ids[9], ids[1]]);
    expect(items.body.next).toBe(`${h.emulator.url}/v1/playlists/${id}/items?offset=3&limit=2`);

    const reordered = await h.send<SpotifySnapshot>('PUT', `/v1/playlists/${id}/items`, {
      range_start: 0,
      insert_before: 4,
    });
    snapshots.push(reordered.body.snapshot_id);
    expect(h.emulator.state.playlist(id)!.trackIds).toEqual([ids[9], ids[1], ids[2], ids[0]]);

    const replaced = await h.send<SpotifySnapshot>('PUT', `/v1/playlists/${id}/items`, {
      uris: [uri(5), uri(6), uri(5)],
    });
    expect(replaced.status).toBe(200);
    snapshots.push(replaced.body.snapshot_id);
    const removed = await h.send<SpotifySnapshot>('DELETE', `/v1/playlists/${id}/items`, {
      items: [{ uri: uri(5) }],
      snapshot_id: replaced.body.snapshot_id,
    });
    expect(removed.status).toBe(200);
    snapshots.push(removed.body.snapshot_id);
    expect(h.emulator.state.playlist(id)!.trackIds).toEqual([ids[6]]);

    const renamed = await h.send('PUT', `/v1/playlists/${id}`, { name: 'Renamed' });
    expect(renamed.status).toBe(200);
    const full = await h.get<SpotifySimplifiedPlaylist>(`/v1/playlists/${id}`);
    expect(full.body.name).toBe('Renamed');
    snapshots.push(full.body.snapshot_id);
    expect(new Set(snapshots).size).toBe(snapshots.length);

    const listed = await h.get<SpotifyPaging<SpotifySimplifiedPlaylist>>('/v1/me/playlists');
    expect(listed.body.items.map((p) => [p.id, p.items.total])).toEqual([[id, 1]]);
  });

  it('refuses more than 100 URIs, unknown tracks and bad positions, changing nothing', async () => {
    const ids = h.emulator.state.trackIds();
    const playlist = h.emulator.state.createPlaylist({ name: 'Limits' }, [ids[0]!]);
    const items = `/v1/playlists/${playlist.id}/items`;
    const tooMany = ids.slice(0, 101).map((id) => `spotify:track:${id}`);
    for (const [method, body] of [
      ['POST', { uris: tooMany }],
      ['PUT', { uris: tooMany }],
      ['POST', { uris: ['spotify:track:0000000000000000000000'] }],
      ['POST', { uris: ['spotify:episode:0000000000000000000000'] }],
      ['POST', { uris: [`spotify:track:${ids[1]}`], position: 5 }],
      ['DELETE', { items: tooMany.map((uri) => ({ uri })) }],
    ] as const) {
      const answer = await h.send<SpotifyErrorBody>(method, items, body);
      expect(answer.status, `${method} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(answer.body.error.status).toBe(400);
    }
    expect(h.emulator.state.playlist(playlist.id)).toEqual(playlist);
    const unknown = await h.get<SpotifyErrorBody>('/v1/playlists/0000000000000000000000/items');
    expect(unknown.status).toBe(404);
  });

  it('shows an edit made on Spotify with a new snapshot id', async () => {
    const ids = h.emulator.state.trackIds();
    const playlist = h.emulator.state.createPlaylist({ name: 'Remote' }, [ids[0]!]);
    const edited = h.emulator.state.editPlaylistRemotely(playlist.id, [`spotify:track:${ids[4]}`]);
    expect(edited.snapshotId).not.toBe(playlist.snapshotId);
    const served = await h.get<SpotifySimplifiedPlaylist>(`/v1/playlists/${playlist.id}`);
    expect(served.body.snapshot_id).toBe(edited.snapshotId);
    expect(edited.trackIds).toEqual([ids[4]]);
  });
});

describe('Spotify emulator: faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness({ tracks: 50, seed: 3, failRate: 1 });
  });
  afterAll(() => h.emulator.close());
  beforeEach(() => {
    h.emulator.state.faults = { failRate: 1, retryAfterSeconds: 0.05, slowMs: 200 };
  });

  it('answers every request 429 or 500 at failRate 1, with a fractional Retry-After', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const answer = await h.get<SpotifyErrorBody>('/v1/me/tracks');
      expect([429, 500]).toContain(answer.status);
      expect(answer.body.error.status).toBe(answer.status);
      if (answer.status === 429) expect(answer.headers.get('retry-after')).toBe('0.05');
      statuses.add(answer.status);
    }
    expect(statuses).toEqual(new Set([429, 500]));
    const token = await tokenRequest(h.emulator.url, {
      grant_type: 'refresh_token',
      refresh_token: 'whatever',
      client_id: CLIENT_ID,
    });
    expect([429, 500]).toContain(token.status);
  });

  it('changes nothing when a write fails', async () => {
    const playlist = h.emulator.state.createPlaylist({ name: 'Untouched' });
    for (let i = 0; i < 10; i++) {
      const create = await h.send('POST', '/v1/me/playlists', { name: 'Never' });
      expect([429, 500]).toContain(create.status);
      const add = await h.send('POST', `/v1/playlists/${playlist.id}/items`, {
        uris: [`spotify:track:${h.emulator.state.trackIds()[0]}`],
      });
      expect([429, 500]).toContain(add.status);
    }
    expect(h.emulator.state.playlists()).toEqual([playlist]);
  });

  it('answers QUOTA_EXCEEDED and slow answers when asked to', async () => {
    h.emulator.state.faults = {
      failRate: 0,
      retryAfterSeconds: 0.25,
      quotaExceededRate: 1,
      slowMs: 0,
    };
    const quota = await h.get<SpotifyErrorBody>('/v1/me');
    expect(quota.status).toBe(429);
    expect(quota.headers.get('retry-after')).toBe('0.25');
    expect(quota.body.error).toMatchObject({ status: 429, reason: 'QUOTA_EXCEEDED' });

    h.emulator.state.faults = { failRate: 0, retryAfterSeconds: 0.05, slowRate: 1, slowMs: 150 };
    const started = performance.now();
    const slow = await h.get('/v1/me');
    expect(slow.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('draws the same faults for the same seed', async () => {
    const statusesOf = async (emulator: SpotifyEmulator) => {
      const token = emulator.state.issueAccessToken();
      const statuses = [];
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${emulator.url}/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      return statuses;
    };
    const runs = [];
    for (let run = 0; run < 2; run++) {
      const emulator = await startSpotifyEmulator({ tracks: 10, seed: 99, failRate: 0.5 });
      try {
        runs.push(await statusesOf(emulator));
      } finally {
        await emulator.close();
      }
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(new Set(runs[0])).toEqual(new Set([200, 429, 500]));
  });
});

describe('Spotify emulator: scale', () => {
  it('serves any page of a 100k-track library quickly', async () => {
    const started = performance.now();
    const emulator = await startSpotifyEmulator({ tracks: 100_000, seed: 1 });
    try {
      expect(performance.now() - started).toBeLessThan(10_000);
      const token = emulator.state.issueAccessToken();
      const pageStarted = performance.now();
      const response = await fetch(`${emulator.url}/v1/me/tracks?offset=99990&limit=50`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const page = (await response.json()) as SpotifyPaging<SpotifySavedTrack>;
      expect(performance.now() - pageStarted).toBeLessThan(1_000);
      expect(page.total).toBe(100_000);
      expect(page.items).toHaveLength(10);
      expect(page.next).toBeNull();
    } finally {
      await emulator.close();
    }
  });
});

describe('spotlib emulator', () => {
  it('refuses a bad option, naming it', async () => {
    for (const [option, value] of [
      ['--tracks', 'many'],
      ['--port', '70000'],
      ['--seed', '-1'],
      ['--fail-rate', '1.5'],
    ] as const) {
      const stdout: string[] = [];
      const code = await runCli(['emulator', option, value, '--json'], {
        env: {},
        stdout: (line) => stdout.push(line),
        stderr: () => undefined,
      });
      expect(code).toBe(1);
      expect(JSON.parse(stdout.at(-1)!)).toMatchObject({
        message: expect.stringContaining(option),
      });
    }
  });

  it('serves until SIGTERM', async () => {
    const cli = path.resolve(import.meta.dirname, '../dist/cli.js');
    const child = spawn(
      process.execPath,
      [cli, 'emulator', '--port', '0', '--tracks', '40', '--json'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const first = await lines.next();
      const started = JSON.parse(first.value as string) as {
        url: string;
        port: number;
        tracks: number;
      };
      expect(started).toMatchObject({ tracks: 40, seed: 1, failRate: 0 });
      expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
      expect((await fetch(`${started.url}/v1/me`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
