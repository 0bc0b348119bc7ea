import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { TrackResolutionService } from '../src/library/track-resolution.service.js';
import type { SpotifyEmulator } from '../src/spotify/emulator/index.js';
import type { PushResult } from '../src/spotify/push/playlist-push.service.js';
import { SpotifyApi } from '../src/spotify/spotify-api.client.js';
import { SpotifyApiError, SpotifyUnavailableError } from '../src/spotify/spotify-errors.js';
import { SyncService } from '../src/spotify/sync/sync.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { connectSpotify, spotifyConfig, startTestEmulator } from './support/spotify.js';

/** More than one write of 100 items, so a push replaces and then appends. */
const PUSHED = 130;

describeEachEngine('playlist push to Spotify', (t) => {
  let emulator: SpotifyEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ tracks: 160, seed: 11 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  const server = useTestApp(t, () => spotifyConfig(emulator));
  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    server.app.inject({ method, url: `/api${url}`, ...(payload ? { payload } : {}) });
  let userId: number;
  let playlistId: number;
  /** The Spotify ids of the playlist's tracks that have one, in order. */
  let expected: string[];

  beforeAll(async () => {
    userId = (await server.app.get(LocalUserService).get()).id;
    expect((await connectSpotify(server.app)).statusCode).toBe(200);
    await server.app.get(SyncService).sync({ id: userId }, { mode: 'full' });
    const { rows } = await sql<{ id: number; spotify_id: string }>`
      SELECT ut.id, t.spotify_id FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} ORDER BY t.sort_name, ut.id LIMIT ${PUSHED}`.execute(t.db);
    // and one track known by name only: it cannot go to Spotify
    const [byName] = await server.app
      .get(TrackResolutionService)
      .resolve([{ artistName: 'Nobody Known', trackName: 'Home Demo' }]);
    await server.app
      .get(LibraryMembershipService)
      .like(userId, [{ trackId: byName!, addedAt: new Date() }]);
    const unresolved = await t.db
      .selectFrom('user_track')
      .select('id')
      .where('user_id', '=', userId)
      .where('track_id', '=', byName!)
      .executeTakeFirstOrThrow();
    playlistId = (await call('POST', '/playlists', { name: 'For the road' })).json<{ id: number }>()
      .id;
    const trackIds = [rows[0]!.id, unresolved.id, ...rows.slice(1).map((r) => r.id)];
    expect((await call('POST', `/playlists/${playlistId}/tracks`, { trackIds })).statusCode).toBe(
      201,
    );
    expected = rows.map((r) => `${r.spotify_id}`);
  });

  it('creates the Spotify playlist once and replaces its items on the next push', async () => {
    const first = await call('POST', `/playlists/${playlistId}/push`, {});
    expect(first.statusCode).toBe(201);
    const result = first.json<PushResult>();
    expect(result).toMatchObject({
      created: true,
      tracks: PUSHED,
      withoutSpotifyId: 1,
      missing: [{ name: 'Home Demo' }],
    });
    expect(emulator.state.playlist(result.spotifyPlaylistId)).toMatchObject({
      name: 'For the road',
      public: false,
      trackIds: expected,
    });

    // no body at all: force defaults to false
    const again = (await call('POST', `/playlists/${playlistId}/push`)).json<PushResult>();
    expect(again).toMatchObject({ created: false, spotifyPlaylistId: result.spotifyPlaylistId });
    expect(emulator.state.playlists()).toHaveLength(1);
    expect(emulator.state.playlist(result.spotifyPlaylistId)!.trackIds).toEqual(expected);
  });

  it('does not overwrite a playlist changed on Spotify unless forced', async () => {
    const remoteId = emulator.state.playlists()[0]!.id;
    const edited = [`spotify:track:${expected[3]!}`];
    emulator.state.editPlaylistRemotely(remoteId, edited);
    const refused = await call('POST', `/playlists/${playlistId}/push`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'spotify_playlist_changed' });
    expect(emulator.state.playlist(remoteId)!.trackIds).toEqual([expected[3]]);

    const ctx = createCommandContext((type) => server.app.get(type, { strict: false }), userId);
    await expect(
      runCommand(ctx, 'playlist.push', { id: String(playlistId) }),
    ).rejects.toMatchObject({
      code: 'spotify_playlist_changed',
    });
    const forced = (await runCommand(ctx, 'playlist.push', {
      id: String(playlistId),
      force: true,
    })) as PushResult;
    expect(forced).toMatchObject({ created: false, tracks: PUSHED });
    expect(emulator.state.playlist(remoteId)!.trackIds).toEqual(expected);
  });

  it('pushes a smart playlist as last refreshed', async () => {
    const created = await call('POST', '/smart-playlists', {
      name: 'Liked on Spotify',
      match: 'all',
      rules: [{ field: 'LIKED', operator: 'EQUALS', value: true }],
      limit: { count: 20, unit: 'tracks', selectBy: 'name' },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: number }>();
    const pushed = (await call('POST', `/smart-playlists/${id}/push`, {})).json<PushResult>();
    const { rows } = await sql<{ spotify_id: string | null }>`
      SELECT t.spotify_id FROM smart_playlist_track s
      JOIN user_track ut ON ut.user_id = s.user_id AND ut.id = s.user_track_id
      JOIN track t ON t.id = ut.track_id
      WHERE s.user_id = ${userId} AND s.smart_playlist_id = ${id} ORDER BY s.position`.execute(
      t.db,
    );
    const withIds = rows.flatMap((r) => (r.spotify_id ? [r.spotify_id] : []));
    expect(withIds.length).toBeGreaterThan(0);
    expect(pushed).toMatchObject({ created: true, tracks: withIds.length });
    expect(emulator.state.playlist(pushed.spotifyPlaylistId)!.trackIds).toEqual(withIds);
  });

  it('answers 404 for a playlist that is not yours and 400 for a bad body, pushing nothing', async () => {
    const before = emulator.state.playlists().length;
    expect((await call('POST', '/playlists/999999/push', {})).statusCode).toBe(404);
    const bad = await call('POST', `/playlists/${playlistId}/push`, { force: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ message: string }>().message).toMatch(/force/);
    expect(emulator.state.playlists()).toHaveLength(before);
  });

  /** A manual playlist of the first `count` tracks of the library's Spotify ones. */
  const playlistOf = async (name: string, count: number) => {
    const { rows } = await sql<{ id: number }>`
      SELECT ut.id FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${userId} AND t.spotify_id IS NOT NULL
      ORDER BY t.sort_name, ut.id LIMIT ${count}`.execute(t.db);
    const { id } = (await call('POST', '/playlists', { name })).json<{ id: number }>();
    const trackIds = rows.map((r) => r.id);
    expect((await call('POST', `/playlists/${id}/tracks`, { trackIds })).statusCode).toBe(201);
    return id;
  };
  const remoteNamed = (name: string) =>
    emulator.state.playlists().filter((playlist) => playlist.name === name);
  const createMark = async (id: number) =>
    (
      await t.db
        .selectFrom('playlist')
        .select('spotify_create_started_at')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).spotify_create_started_at;

  it('makes one Spotify playlist when the answer to its create is lost', async () => {
    const id = await playlistOf('Lost in transit', 5);
    emulator.state.loseAnswers('POST /v1/me/playlists');
    const pushed = await call('POST', `/playlists/${id}/push`, {});
    expect(pushed.statusCode).toBe(201);
    const [remote, ...more] = remoteNamed('Lost in transit');
    expect(more).toHaveLength(0);
    expect(pushed.json<PushResult>()).toMatchObject({
      created: true,
      spotifyPlaylistId: remote!.id,
    });
    expect(remote!.trackIds).toEqual(expected.slice(0, 5));
    expect(await createMark(id)).toBeNull();
  });

  it('takes the playlist a push made before it stopped, and only that one', async () => {
    const id = await playlistOf('Half done', 3);
    // another playlist of the name, empty: without a create begun it is not ours
    emulator.state.playlistStore.create({ name: 'Half done' });
    const first = (await call('POST', `/playlists/${id}/push`, {})).json<PushResult>();
    expect(remoteNamed('Half done')).toHaveLength(2);
    // a push that stopped between creating and storing the playlist: it is on Spotify, empty
    const made = emulator.state.playlistStore.create({ name: 'Half done' });
    await t.db
      .updateTable('playlist')
      .set({ spotify_playlist_id: null, spotify_create_started_at: new Date() })
      .where('id', '=', id)
      .execute();
    // newer still, so listed first: a sibling pushed empty (its playlist is claimed) and a namesake with items
    const sibling = (await call('POST', '/playlists', { name: 'Half done' })).json<{
      id: number;
    }>();
    const siblingPush = await call('POST', `/playlists/${sibling.id}/push`, {});
    expect(siblingPush.json<PushResult>()).toMatchObject({ created: true, tracks: 0 });
    const filled = emulator.state.playlistStore.create({ name: 'Half done' });
    emulator.state.editPlaylistRemotely(filled.id, [`spotify:track:${expected[0]!}`]);
    emulator.state.resetRequestCounts();
    const again = (await call('POST', `/playlists/${id}/push`, {})).json<PushResult>();
    expect(again).toMatchObject({ created: true, spotifyPlaylistId: made.id, tracks: 3 });
    expect(emulator.state.requestCounts['POST /v1/me/playlists']).toBeUndefined();
    expect(await createMark(id)).toBeNull();
    expect(remoteNamed('Half done')).toHaveLength(5);
    expect(emulator.state.playlist(made.id)!.trackIds).toEqual(expected.slice(0, 3));
    expect(emulator.state.playlist(first.spotifyPlaylistId)!.trackIds).toEqual(
      expected.slice(0, 3),
    );
  });

  it('forgets a create Spotify refused, and creates again when a failed one made nothing', async () => {
    const id = await playlistOf('Second try', 2);
    const create = vi.spyOn(SpotifyApi.prototype, 'createPlaylist');
    try {
      create.mockRejectedValueOnce(new SpotifyApiError(403, 'Insufficient client scope'));
      expect((await call('POST', `/playlists/${id}/push`, {})).statusCode).toBeGreaterThanOrEqual(
        400,
      );
      expect(await createMark(id)).toBeNull();
      // a 5xx that made nothing: the push finds no playlist of the name and creates once more
      create.mockRejectedValueOnce(new SpotifyUnavailableError(1, 500));
      const pushed = await call('POST', `/playlists/${id}/push`, {});
      expect(pushed.statusCode).toBe(201);
      expect(create).toHaveBeenCalledTimes(3);
    } finally {
      create.mockRestore();
    }
    expect(remoteNamed('Second try')).toHaveLength(1);
    expect(remoteNamed('Second try')[0]!.trackIds).toEqual(expected.slice(0, 2));
    expect(await createMark(id)).toBeNull();
  });
});
