import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import type { SpotifyEmulator } from '../src/spotify/emulator/index.js';
import { SpotifyApi, SpotifyApiFactory } from '../src/spotify/spotify-api.client.js';
import { LibrarySyncService } from '../src/spotify/sync/library-sync.service.js';
import { SpotifyTrackImporter } from '../src/spotify/sync/spotify-track-importer.service.js';
import { SyncRunner } from '../src/spotify/sync/sync-runner.service.js';
import { TokenCipher } from '../src/spotify/token-cipher.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { connectSpotify, spotifyConfig, startTestEmulator } from './support/spotify.js';

/**
 * A full pass reads a first window of one write (500 saved items), then one
 * of up to 1000 (two writes): it checkpoints on the way and inside a window.
 */
const TRACKS = 1300;
const syncWindowItems = 1000;

/**
 * Sync against the emulator, as one story per engine: the emulator's
 * library is the truth every sync must end with, whatever faults it throws.
 */
describeEachEngine('Spotify sync', (t) => {
  let emulator: SpotifyEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ tracks: TRACKS, seed: 7 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  const server = useTestApp(t, () => ({ ...spotifyConfig(emulator), syncWindowItems }));
  let userId: number;
  const held = new Set<string>();

  const sync = async (args: Record<string, unknown> = {}) =>
    runCommand(
      createCommandContext((type) => server.app.get(type, { strict: false }), userId),
      'sync',
      args,
    ) as Promise<Record<string, number | string>>;

  /** The user's liked tracks as Spotify ids with their saved dates, newest first. */
  const likedTracks = async () => {
    const { rows } = await sql<{ spotify_id: string; added_at: Date }>`
      SELECT t.spotify_id, ut.added_at FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND ut.liked
      ORDER BY ut.added_at DESC, t.spotify_id`.execute(t.db);
    return rows.map((r) => ({ trackId: r.spotify_id, addedAt: r.added_at }));
  };
  const truth = () =>
    emulator.state.savedTracks.sort(
      (a, b) => b.addedAt.getTime() - a.addedAt.getTime() || (a.trackId < b.trackId ? -1 : 1),
    );
  const drift = async () => {
    const report = await server.app.get(StatsAuditService).verify(userId);
    if (report.drift) console.log(JSON.stringify(report.items));
    return report.drift;
  };

  beforeAll(async () => {
    userId = (await server.app.get(LocalUserService).get()).id;
    // Held back from Spotify's library at first: saved later (incremental) or found by search.
    for (const id of emulator.state.trackIds().slice(0, 4)) held.add(id);
    emulator.state.unsaveTracks([...held]);
  });

  it('refuses to sync before Spotify is connected, naming what to do', async () => {
    await expect(sync()).rejects.toMatchObject({ code: 'spotify_not_connected' });
    const response = await server.app.inject({ method: 'POST', url: '/api/sync', payload: {} });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'spotify_not_connected' });
  });

  it('connects through the login round trip and keeps the tokens encrypted', async () => {
    const callback = await connectSpotify(server.app);
    expect(callback.statusCode).toBe(200);
    expect(callback.json()).toMatchObject({
      connected: true,
      status: 'connected',
      spotifyUserId: emulator.state.user.id,
    });
    const account = await t.db
      .selectFrom('spotify_account')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const cipher = server.app.get(TokenCipher);
    const token = cipher.decrypt(account.access_token_enc, `spotify:${userId}:access`);
    const me = await fetch(`${emulator.url}/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(Buffer.from(account.access_token_enc).includes(Buffer.from(token))).toBe(false);
    // sealed for its owner: another user's context cannot open it
    expect(() =>
      cipher.decrypt(account.access_token_enc, `spotify:${userId + 1}:access`),
    ).toThrow();
    const status = await server.app.inject({ method: 'GET', url: '/api/auth/spotify' });
    expect(status.json()).toMatchObject({ connected: true });
  });

  it('refuses conflicting or malformed command arguments, syncing and pushing nothing', async () => {
    emulator.state.resetRequestCounts();
    await expect(sync({ full: true, incremental: true })).rejects.toMatchObject({
      code: 'invalid_arguments',
      message: expect.stringMatching(/--full or --incremental/),
    });
    const ctx = createCommandContext((type) => server.app.get(type, { strict: false }), userId);
    await expect(runCommand(ctx, 'playlist.push', { id: 'abc' })).rejects.toMatchObject({
      code: 'invalid_arguments',
      message: expect.stringMatching(/playlist id/),
    });
    expect(emulator.state.requestCounts).toEqual({});
  });

  it('refuses a callback whose state it did not issue', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: '/api/auth/spotify/callback?state=forged&code=abc',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_state' });
  });

  it('ends a full sync through 10% injected 429s and 500s with exactly the library Spotify has', async () => {
    emulator.state.faults = { ...emulator.state.faults, failRate: 0.1 };
    try {
      const result = await sync();
      expect(result).toMatchObject({
        mode: 'full',
        savedTracks: TRACKS - held.size,
        newTracks: TRACKS - held.size,
        plays: emulator.state.plays.length,
      });
      expect(result.artists).toBeGreaterThan(0);
    } finally {
      emulator.state.faults = { ...emulator.state.faults, failRate: 0 };
    }
    expect(await likedTracks()).toEqual(truth());
    expect(await drift()).toBe(0);
    // every artist credited in the library was read, over several rounds of reads
    const undescribed = await sql<{ described: boolean; artists: number }>`
      SELECT a.details_fetched_at IS NOT NULL AS described, count(DISTINCT a.id)::int AS artists
      FROM user_track ut JOIN track_artist ta ON ta.track_id = ut.track_id JOIN artist a ON a.id = ta.artist_id
      WHERE ut.user_id = ${userId} GROUP BY 1`.execute(t.db);
    expect(undescribed.rows).toEqual([{ described: true, artists: expect.any(Number) }]);
    expect(undescribed.rows[0]!.artists).toBeGreaterThan(50);
    const again = await sync({ full: true });
    expect(again).toMatchObject({ newTracks: 0, plays: 0, savedTracks: TRACKS - held.size });
    expect(await likedTracks()).toEqual(truth());
  });

  it('stores every credited artist, album art and Spotify genres', async () => {
    const sample = emulator.state.catalogTrack(truth()[0]!.trackId)!;
    const { rows } = await sql<{ artists: string[]; image_url: string | null }>`
      SELECT array_agg(a.spotify_id ORDER BY ta.position) AS artists, max(al.image_url) AS image_url
      FROM track t JOIN track_artist ta ON ta.track_id = t.id JOIN artist a ON a.id = ta.artist_id
      LEFT JOIN album al ON al.id = t.album_id
      WHERE t.spotify_id = ${sample.id}`.execute(t.db);
    expect(rows[0]!.artists).toEqual(sample.artists.map((a) => a.id));
    expect(rows[0]!.image_url).toMatch(/^https?:/);
    const details = await t.db
      .selectFrom('track')
      .select(['explicit', 'isrc', 'disc_number', 'track_number', 'duration_ms'])
      .where('spotify_id', '=', sample.id)
      .executeTakeFirstOrThrow();
    expect(details).toEqual({
      explicit: sample.explicit,
      isrc: sample.external_ids.isrc ?? null,
      disc_number: sample.disc_number,
      track_number: sample.track_number,
      duration_ms: sample.duration_ms,
    });
    const withGenres = await sql<{ spotify_id: string; genres: string[] }>`
      SELECT a.spotify_id, array_agg(g.name ORDER BY g.name) AS genres
      FROM artist a JOIN artist_genre ag ON ag.artist_id = a.id AND ag.source = 'spotify'
      JOIN genre g ON g.id = ag.genre_id GROUP BY a.spotify_id LIMIT 3`.execute(t.db);
    expect(withGenres.rows.length).toBeGreaterThan(0);
    for (const artist of withGenres.rows) {
      const remote = (await (
        await fetch(`${emulator.url}/v1/artists/${artist.spotify_id}`, {
          headers: { authorization: `Bearer ${emulator.state.issueAccessToken()}` },
        })
      ).json()) as { genres: string[] };
      expect(artist.genres).toEqual([...remote.genres].sort());
    }
  });

  it('reads only the new pages in an incremental sync', async () => {
    const [first, second] = [...held];
    emulator.state.saveTracks([first!, second!]);
    emulator.state.resetRequestCounts();
    const result = await sync({ incremental: true });
    expect(result).toMatchObject({ mode: 'incremental', newTracks: 2 });
    // the first page holds the two new saves, the second none: nothing further is read
    expect(emulator.state.requestCounts['GET /v1/me/tracks']).toBe(2);
    expect(await likedTracks()).toEqual(truth());
  });

  it('un-likes in a full sync what left Liked Songs, keeping the track and its plays', async () => {
    const gone = truth()[5]!.trackId;
    emulator.state.unsaveTracks([gone]);
    const result = await sync({ full: true });
    expect(result).toMatchObject({ unliked: 1 });
    expect(await likedTracks()).toEqual(truth());
    const kept = await sql<{ liked: boolean }>`
      SELECT ut.liked FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND t.spotify_id = ${gone}`.execute(t.db);
    expect(kept.rows).toEqual([{ liked: false }]);
  });

  it('resumes an interrupted sync from its checkpoint', async () => {
    const api = server.app.get(SpotifyApiFactory).forUser(userId);
    const dying = Object.create(api) as SpotifyApi;
    dying.savedTracks = (offset) =>
      offset >= 1100 ? Promise.reject(new Error('the process died')) : api.savedTracks(offset);
    emulator.state.resetRequestCounts();
    await expect(
      server.app.get(LibrarySyncService).run(userId, dying, 'full', () => undefined),
    ).rejects.toThrow('the process died');
    const state = await t.db
      .selectFrom('sync_state')
      .select(['status', 'items_done'])
      .where('user_id', '=', userId)
      .where('kind', '=', 'library')
      .executeTakeFirstOrThrow();
    // the first window (500) was written and checkpointed; the one being read was not
    expect(state).toEqual({ status: 'failed', items_done: 500 });
    emulator.state.resetRequestCounts();
    const resumed = await sync();
    expect(resumed).toMatchObject({ mode: 'full', unliked: 0 });
    // from offset 450 (one page of overlap) to the end, not from 0
    const pages = Math.ceil((emulator.state.savedTracks.length - 450) / 50);
    expect(emulator.state.requestCounts['GET /v1/me/tracks']).toBe(pages);
    expect(await likedTracks()).toEqual(truth());
  });

  it('resumes a sync that died between two writes of a window from its start, counting new tracks once', async () => {
    const played = new Set(emulator.state.plays.map((p) => p.trackId));
    const gone = truth()
      .map((s) => s.trackId)
      .filter((id) => !played.has(id))
      .slice(0, 600);
    const { rows } = await sql<{ id: number }>`
      SELECT ut.id FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND t.spotify_id = ANY(${gone}::text[])`.execute(t.db);
    await server.app.get(LibraryMembershipService).remove(
      userId,
      rows.map((r) => r.id),
    );
    const membership = server.app.get(LibraryMembershipService);
    const like = membership.like.bind(membership);
    const dying = vi
      .spyOn(membership, 'like')
      .mockImplementationOnce(like)
      .mockImplementationOnce(like)
      .mockRejectedValueOnce(new Error('the process died'));
    try {
      await expect(sync({ full: true })).rejects.toThrow('the process died');
    } finally {
      dying.mockRestore();
    }
    const state = await t.db
      .selectFrom('sync_state')
      .select(['items_done', 'checkpoint'])
      .where('user_id', '=', userId)
      .where('kind', '=', 'library')
      .executeTakeFirstOrThrow();
    // the first window and half the second are written, yet the second's start is where a
    // resumed run reads from
    expect(state.items_done).toBe(1000);
    expect(JSON.parse(state.checkpoint!)).toMatchObject({ offset: 500 });
    emulator.state.resetRequestCounts();
    const resumed = await sync();
    expect(resumed).toMatchObject({ mode: 'full', newTracks: gone.length, unliked: 0 });
    expect(emulator.state.requestCounts['GET /v1/me/tracks']).toBe(
      Math.ceil((emulator.state.savedTracks.length - 450) / 50),
    );
    expect(await likedTracks()).toEqual(truth());
    expect(await drift()).toBe(0);
  });

  it('records new recent plays once, whichever poll brings them', async () => {
    const [id] = truth();
    const playedAt = new Date(Date.now() - 60_000);
    emulator.state.addPlays([{ trackId: id!.trackId, playedAt }]);
    const runner = server.app.get(SyncRunner);
    expect(await runner.pollEveryone()).toBe(1);
    expect(await runner.pollEveryone()).toBe(0);
    expect(await drift()).toBe(0);
  });

  it('gives an imported track known by name its Spotify id, keeping its plays', async () => {
    const [, , third] = [...held];
    const remote = emulator.state.catalogTrack(third!)!;
    const [trackId] = await server.app
      .get(TrackResolutionService)
      .resolve([{ artistName: remote.artists[0]!.name.toUpperCase(), trackName: remote.name }]);
    await server.app.get(PlayRecorder).record(userId, [
      {
        trackId: trackId!,
        playedAt: new Date('2024-03-01T10:00:00Z'),
        msPlayed: 200_000,
        source: 'spotify_account_export',
      },
    ]);
    const result = await sync();
    expect(result.resolved).toBeGreaterThanOrEqual(1);
    const { rows } = await sql<{ spotify_id: string | null; play_count: number }>`
      SELECT t.spotify_id, s.play_count FROM user_track ut
      JOIN track t ON t.id = ut.track_id
      JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${userId} AND (t.spotify_id = ${remote.id} OR t.id = ${trackId!})`.execute(
      t.db,
    );
    expect(rows).toEqual([{ spotify_id: remote.id, play_count: 1 }]);
    expect(await drift()).toBe(0);
  });

  it('keeps a compilation whose tracks have different primary artists', async () => {
    const saved = truth().map((t) => emulator.state.catalogTrack(t.trackId)!);
    const a = saved[0]!;
    const b = saved.find((t) => t.artists[0]!.name !== a.artists[0]!.name);
    const soundtrack = { ...a.album, id: 'CompilationAlbum000001', name: 'Pulp Soundtrack' };
    const tracks = [a, b!].map((t, i) => ({
      ...t,
      id: `CompilationTrack00000${i}`,
      name: `Soundtrack song ${i}`,
      album: soundtrack,
    }));
    expect(tracks[0]!.artists[0]!.name).not.toBe(tracks[1]!.artists[0]!.name);
    const ids = await server.app.get(SpotifyTrackImporter).importTracks(tracks);
    const { rows } = await sql<{ spotify_id: string | null; name: string }>`
      SELECT al.spotify_id, al.name FROM track t JOIN album al ON al.id = t.album_id
      WHERE t.id = ANY(${ids}::bigint[]) ORDER BY al.id`.execute(t.db);
    // one album row per primary artist; Spotify's id on one of them
    expect(rows.map((r) => r.name)).toEqual(['Pulp Soundtrack', 'Pulp Soundtrack']);
    expect(rows.map((r) => r.spotify_id)).toEqual(['CompilationAlbum000001', null]);
  });

  it('keeps namesake artists apart by their Spotify ids', async () => {
    // An export named the artist first: the first Spotify id seen takes that row.
    await server.app
      .get(TrackResolutionService)
      .resolve([{ artistName: 'NIRVANA', trackName: 'Known by name only' }]);
    const [a, b] = truth()
      .slice(0, 2)
      .map((t) => emulator.state.catalogTrack(t.trackId)!);
    const tracks = [a!, b!].map((t, i) => ({
      ...t,
      id: `NamesakeTrack00000000${i}`,
      name: `Namesake song ${i}`,
      artists: [{ ...t.artists[0]!, id: `NamesakeArtist0000000${i}`, name: 'Nirvana' }],
    }));
    const ids = await server.app.get(SpotifyTrackImporter).importTracks(tracks);
    const { rows } = await sql<{ primary: string | null; credited: string | null }>`
      SELECT a.spotify_id AS primary, c.spotify_id AS credited
      FROM track t JOIN artist a ON a.id = t.artist_id
      JOIN track_artist ta ON ta.track_id = t.id AND ta.position = 0
      JOIN artist c ON c.id = ta.artist_id
      WHERE t.id = ANY(${ids}::bigint[]) ORDER BY t.spotify_id`.execute(t.db);
    expect(rows).toEqual([
      { primary: 'NamesakeArtist00000000', credited: 'NamesakeArtist00000000' },
      { primary: 'NamesakeArtist00000001', credited: 'NamesakeArtist00000001' },
    ]);
    const named = await sql<{ spotify_id: string | null }>`
      SELECT spotify_id FROM artist WHERE sort_name = 'nirvana' ORDER BY id`.execute(t.db);
    expect(named.rows.map((r) => r.spotify_id)).toEqual([
      'NamesakeArtist00000000',
      'NamesakeArtist00000001',
    ]);
  });

  it('answers a login Spotify refuses with a 400 naming it, changing nothing', async () => {
    const login = await server.app.inject({ method: 'GET', url: '/api/auth/spotify/login' });
    const state = new URL(login.headers.location as string).searchParams.get('state')!;
    const response = await server.app.inject({
      method: 'GET',
      url: `/api/auth/spotify/callback?state=${state}&code=not-a-code-spotify-gave`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'spotify_login_failed' });
    const status = await server.app.inject({ method: 'GET', url: '/api/auth/spotify' });
    expect(status.json()).toMatchObject({ connected: true });
  });

  it('runs a sync started with POST /api/sync in the background, to completion', async () => {
    const before = await server.app.inject({ method: 'GET', url: '/api/sync' });
    const previous = before.json<{ lastSync: { finishedAt: string } | null }>().lastSync;
    const started = await server.app.inject({ method: 'POST', url: '/api/sync' });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toEqual({ started: true });
    await expect
      .poll(
        async () =>
          (await server.app.inject({ method: 'GET', url: '/api/sync' })).json<{
            lastSync: { finishedAt: string } | null;
          }>().lastSync?.finishedAt,
        { timeout: 20_000, interval: 100 },
      )
      .not.toBe(previous?.finishedAt);
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/sync',
      payload: { mode: 'sometimes' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/mode/);
  });

  it('shows each step of the sync in GET /api/sync', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/sync' });
    expect(response.statusCode).toBe(200);
    const body = response.json<{ connection: object; items: { kind: string; status: string }[] }>();
    expect(body.connection).toMatchObject({ connected: true });
    expect(body.items.map((i) => i.kind).sort()).toEqual(
      ['artists', 'library', 'recently_played', 'resolution'].sort(),
    );
    expect(body.items.every((i) => i.status === 'completed')).toBe(true);
    expect(response.json()).toMatchObject({
      lastSync: {
        savedTracks: expect.any(Number),
        plays: expect.any(Number),
        seconds: expect.any(Number),
      },
    });
  });

  it('refreshes an expired token, keeping the rotated refresh token', async () => {
    const before = await t.db
      .selectFrom('spotify_account')
      .select('refresh_token_enc')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    emulator.state.expireAccessTokens();
    await sync({ incremental: true });
    const after = await t.db
      .selectFrom('spotify_account')
      .select(['refresh_token_enc', 'status'])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('connected');
    expect(Buffer.from(after.refresh_token_enc).equals(Buffer.from(before.refresh_token_enc))).toBe(
      false,
    );
    // and before expiry: a token about to expire is refreshed without a 401 first
    await t.db
      .updateTable('spotify_account')
      .set({ access_token_expires_at: new Date(Date.now() + 5_000) })
      .where('user_id', '=', userId)
      .execute();
    await sync({ incremental: true });
    const refreshed = await t.db
      .selectFrom('spotify_account')
      .select('access_token_expires_at')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(refreshed.access_token_expires_at.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('asks to reconnect when the stored tokens no longer open (the key changed)', async () => {
    const account = await t.db
      .selectFrom('spotify_account')
      .select(['access_token_enc', 'refresh_token_enc'])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const garbled = Buffer.from(account.access_token_enc);
    garbled[garbled.length - 1]! ^= 1;
    await t.db
      .updateTable('spotify_account')
      .set({ access_token_enc: garbled })
      .where('user_id', '=', userId)
      .execute();
    await expect(sync()).rejects.toMatchObject({ code: 'spotify_needs_reconnect' });
    expect((await connectSpotify(server.app)).json()).toMatchObject({ status: 'connected' });
  });

  it('marks the account "needs reconnect" when Spotify refuses the refresh token', async () => {
    emulator.state.revokeRefreshTokens();
    emulator.state.expireAccessTokens();
    await expect(sync()).rejects.toMatchObject({ code: 'spotify_needs_reconnect' });
    const status = await server.app.inject({ method: 'GET', url: '/api/auth/spotify' });
    expect(status.json()).toMatchObject({ connected: false, status: 'needs_reconnect' });
    const start = await server.app.inject({ method: 'POST', url: '/api/sync', payload: {} });
    expect(start.statusCode).toBe(409);
    expect(start.json()).toMatchObject({ error: 'spotify_needs_reconnect' });
    // connecting again heals it
    expect((await connectSpotify(server.app)).json()).toMatchObject({ status: 'connected' });
  });
});
