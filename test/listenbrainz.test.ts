import { beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

const SUBMIT = '/api/listenbrainz/1/submit-listens';
const startedAt = Math.floor(Date.UTC(2024, 4, 1, 12, 0, 0) / 1000);

const listen = (
  overrides: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
) => ({
  listened_at: startedAt,
  track_metadata: {
    artist_name: 'Sigur Rós',
    track_name: 'Hoppípolla',
    release_name: 'Takk...',
    additional_info: {
      spotify_id: 'https://open.spotify.com/track/6eTGxxQxiTFE6LfZHC33Wm',
      duration_ms: 268_000,
    },
    ...metadata,
  },
  ...overrides,
});

describeEachEngine('ListenBrainz submission API', (t) => {
  const server = useTestApp(t);
  let token: string;
  const submit = (payload: unknown, auth: string | null = `Token ${token}`) =>
    server.app.inject({
      method: 'POST',
      url: SUBMIT,
      payload: payload as object,
      headers: auth ? { authorization: auth } : {},
    });
  const playCount = async () =>
    (
      await t.db
        .selectFrom('play_history')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  beforeAll(async () => {
    const user = await server.app.get(LocalUserService).get();
    token = (await server.app.get(ApiTokenService).create(user, 'scrobbler')).token;
  });

  it('validates tokens as ListenBrainz clients expect', async () => {
    const valid = await server.app.inject({
      method: 'GET',
      url: '/api/listenbrainz/1/validate-token',
      headers: { authorization: `Token ${token}` },
    });
    expect(valid.json()).toEqual({
      code: 200,
      message: 'Token valid.',
      valid: true,
      user_name: 'local',
    });
    const viaQuery = await server.app.inject({
      method: 'GET',
      url: `/api/listenbrainz/1/validate-token?token=${token}`,
    });
    expect(viaQuery.json()).toMatchObject({ valid: true });
    const invalid = await server.app.inject({
      method: 'GET',
      url: '/api/listenbrainz/1/validate-token',
      headers: { authorization: 'Token slt_nope' },
    });
    expect(invalid.json()).toEqual({ code: 200, message: 'Token invalid.', valid: false });
  });

  it('records a single listen at its end, once, on a track made from its metadata', async () => {
    const first = await submit({ listen_type: 'single', payload: [listen()] });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ status: 'ok', recorded: 1, duplicates: 0 });
    const again = await submit({ listen_type: 'single', payload: [listen()] });
    expect(again.json()).toEqual({ status: 'ok', recorded: 0, duplicates: 1 });

    // May 2024 is older than the hot window: the play lives in the archive.
    const row = await t.db
      .selectFrom('play_history_archive as play_history')
      .innerJoin('user_track', 'user_track.id', 'play_history.user_track_id')
      .innerJoin('track', 'track.id', 'user_track.track_id')
      .innerJoin('artist', 'artist.id', 'track.artist_id')
      .innerJoin('album', 'album.id', 'track.album_id')
      .select([
        'play_history.played_at',
        'play_history.ms_played',
        'play_history.source',
        'track.spotify_id',
        'track.name as track',
        'artist.name as artist',
        'album.name as album',
      ])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      played_at: new Date((startedAt + 268) * 1000),
      ms_played: 268_000,
      source: 'listenbrainz',
      spotify_id: '6eTGxxQxiTFE6LfZHC33Wm',
      track: 'Hoppípolla',
      artist: 'Sigur Rós',
      album: 'Takk...',
    });
  });

  it('records nothing for playing_now', async () => {
    const before = await playCount();
    const response = await submit({
      listen_type: 'playing_now',
      payload: [listen({ listened_at: undefined })],
    });
    expect(response.json()).toMatchObject({ status: 'ok', recorded: 0 });
    expect(await playCount()).toBe(before);
  });

  it('imports many listens, matching unknown tracks by artist and name', async () => {
    const nameOnly = (minutes: number, track: string) =>
      listen(
        { listened_at: startedAt + 3600 + minutes * 60 },
        {
          artist_name: 'Múm',
          track_name: track,
          release_name: undefined,
          additional_info: { duration_ms: 200_000 },
        },
      );
    const response = await submit({
      listen_type: 'import',
      payload: [
        nameOnly(0, 'Green Grass of Tunnel'),
        nameOnly(10, 'GREEN GRASS OF TUNNEL'),
        nameOnly(20, 'Weeping Rock, Rock'),
      ],
    });
    expect(response.json()).toEqual({ status: 'ok', recorded: 3, duplicates: 0 });
    const tracks = await t.db
      .selectFrom('track')
      .innerJoin('artist', 'artist.id', 'track.artist_id')
      .select(['track.name', 'track.spotify_id'])
      .where('artist.name', '=', 'Múm')
      .orderBy('track.name')
      .execute();
    expect(tracks).toEqual([
      { name: 'Green Grass of Tunnel', spotify_id: null },
      { name: 'Weeping Rock, Rock', spotify_id: null },
    ]);
    expect((await server.app.get(StatsAuditService).verify()).drift).toBe(0);
  });

  it('refuses listens without a valid token and records nothing', async () => {
    const before = await playCount();
    const body = { listen_type: 'single', payload: [listen({ listened_at: startedAt + 86_400 })] };
    for (const auth of [null, 'Token slt_wrong', 'Basic abc']) {
      const response = await submit(body, auth);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'unauthorized' });
    }
    expect(await playCount()).toBe(before);
  });

  describe('bad input gets a 400 naming the problem and records nothing', () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'an unknown top-level field',
        { listen_type: 'import', payload: [listen()], extra: 1 },
        /Unrecognized key/,
      ],
      [
        'an unknown listen field',
        { listen_type: 'import', payload: [listen({ mood: 'happy' })] },
        /payload\[0\]/,
      ],
      [
        'a listen before 2008',
        { listen_type: 'import', payload: [listen({ listened_at: 1_100_000_000 })] },
        /payload\[0\]\.listened_at: must be 2008/,
      ],
      [
        'a listen in the future',
        {
          listen_type: 'import',
          payload: [listen({ listened_at: Math.floor(Date.now() / 1000) + 86_400 })],
        },
        /future/,
      ],
      [
        'a negative duration',
        { listen_type: 'import', payload: [listen({}, { additional_info: { duration_ms: -5 } })] },
        /duration_ms/,
      ],
      [
        'an absurd duration',
        {
          listen_type: 'import',
          payload: [listen({}, { additional_info: { duration_ms: 100 * 3600 * 1000 } })],
        },
        /duration_ms/,
      ],
      [
        'more than 1000 listens',
        {
          listen_type: 'import',
          payload: Array.from({ length: 1001 }, (_, i) =>
            listen({ listened_at: startedAt + i * 300 }),
          ),
        },
        /payload/,
      ],
      [
        'two listens as single',
        { listen_type: 'single', payload: [listen(), listen({ listened_at: startedAt + 600 })] },
        /exactly one/,
      ],
      [
        'a listen without its time',
        { listen_type: 'import', payload: [listen({ listened_at: undefined })] },
        /listened_at: is required/,
      ],
      [
        'an empty artist',
        { listen_type: 'import', payload: [listen({}, { artist_name: '  ' })] },
        /artist_name/,
      ],
      [
        'a malformed Spotify id',
        {
          listen_type: 'import',
          payload: [listen({}, { additional_info: { spotify_id: 'spotify:track:nope' } })],
        },
        /spotify_id/,
      ],
      ['an unknown listen type', { listen_type: 'scrobble', payload: [listen()] }, /listen_type/],
    ];

    it.each(cases)('%s', async (_name, body, message) => {
      const before = await playCount();
      const response = await submit(body);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'validation_failed' });
      expect(response.json<{ message: string }>().message).toMatch(message);
      expect(await playCount()).toBe(before);
    });

    it('refuses a body over 10 MB with 413', async () => {
      const padding = 'x'.repeat(11 * 1024 * 1024);
      const response = await submit({
        listen_type: 'import',
        payload: [listen({}, { additional_info: { note: padding } })],
      });
      expect(response.statusCode).toBe(413);
    });
  });
});
