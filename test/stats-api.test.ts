import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { SpotifyCatalogRepository } from '../src/spotify/spotify-catalog.repository.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

/**
 * A small named history; every figure below is worked out by hand. Local
 * times are for Asia/Kolkata (UTC+5:30) unless a test changes the zone to
 * Asia/Kathmandu (UTC+5:45).
 */
const TRACKS = {
  teardrop: {
    spotifyId: 'tTeardrop',
    artistName: 'Massive Attack',
    trackName: 'Teardrop',
    albumName: 'Mezzanine',
  },
  angel: {
    spotifyId: 'tAngel',
    artistName: 'Massive Attack',
    trackName: 'Angel',
    albumName: 'Mezzanine',
  },
  roads: { spotifyId: 'tRoads', artistName: 'Portishead', trackName: 'Roads', albumName: 'Dummy' },
  hoppipolla: {
    spotifyId: 'tHopp',
    artistName: 'Sigur Rós',
    trackName: 'Hoppípolla',
    albumName: 'Takk',
  },
};
type Name = keyof typeof TRACKS;
const PLAYS: [Name, string, number][] = [
  ['teardrop', '2024-01-31T18:20:00Z', 200_000], // #1 Kolkata Wed 31 Jan 23:50; Kathmandu Thu 1 Feb 00:05
  ['teardrop', '2024-01-31T18:40:00Z', 200_000], // #2 Thu 1 Feb 00:10
  ['angel', '2024-02-10T10:00:00Z', 300_000], // #3 Sat 10 Feb 15:30
  ['roads', '2024-02-15T12:00:00Z', 100_000], // #4 Thu 15 Feb 17:30
  ['roads', '2024-03-05T00:00:00Z', 250_000], // #5 Tue 5 Mar 05:30
  ['hoppipolla', '2024-03-05T01:00:00Z', 10_000], // #6 Tue 5 Mar 06:30, a skip (under 30 s)
  ['teardrop', '2024-03-20T20:00:00Z', 200_000], // #7 Thu 21 Mar 01:30
  ['teardrop', '2024-03-08T10:00:00Z', 100_000], // #8 Fri 8 Mar 15:30
  ['angel', '2024-02-20T10:00:00Z', 0], // #9 a skip of no time at all: counts nowhere
];

interface Item {
  id: number;
  name: string;
  plays: number;
  msPlayed: number;
}

describeEachEngine('listening statistics', (t) => {
  const server = useTestApp(t);
  let me: number;
  const ids = {} as Record<Name, number>;
  const get = async (url: string) => {
    const response = await server.app.inject({ method: 'GET', url: `/api/stats/${url}` });
    return { status: response.statusCode, body: response.json<{ items: Item[] }>() };
  };
  const top = async (url: string) => {
    const { status, body } = await get(url);
    expect(status, url).toBe(200);
    return body.items.map((i) => [i.name, i.plays, i.msPlayed]);
  };
  const setZone = (timeZone: string) =>
    server.app.inject({ method: 'PATCH', url: '/api/me/settings', payload: { timeZone } });
  const rollupsReady = async () => {
    const { rows } = await sql<{ ready: boolean; time_zone: string }>`
      SELECT ready, time_zone FROM user_rollup_state WHERE user_id = ${me}`.execute(t.db);
    return rows[0];
  };
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  };

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    expect((await setZone('Asia/Kolkata')).statusCode).toBe(200);
    await until(async () => (await rollupsReady())?.time_zone === 'Asia/Kolkata');
    const names = Object.keys(TRACKS) as Name[];
    const { trackIds } = await server.app
      .get(CatalogService)
      .resolveTracks(names.map((n) => TRACKS[n]));
    const byName = new Map(names.map((n, i) => [n, trackIds[i]!]));
    await server.app.get(PlayRecorder).record(
      me,
      PLAYS.map(([name, at, ms]) => ({
        trackId: byName.get(name)!,
        playedAt: new Date(at),
        msPlayed: ms,
        source: 'spotify_export' as const,
      })),
    );
    const { rows } = await sql<{ id: number; spotify_id: string; artist_id: number }>`
      SELECT ut.id, t.spotify_id, t.artist_id FROM user_track ut JOIN track t ON t.id = ut.track_id
      WHERE ut.user_id = ${me}`.execute(t.db);
    for (const name of names)
      ids[name] = rows.find((r) => r.spotify_id === TRACKS[name].spotifyId)!.id;
    const artistOf = (name: Name) =>
      rows.find((r) => r.spotify_id === TRACKS[name].spotifyId)!.artist_id;
    // Spotify's genres arrive after the plays, as a sync brings them
    await server.app.get(SpotifyCatalogRepository).applyArtistDetails([
      { artistId: artistOf('teardrop'), imageUrl: null, genres: ['trip hop'] },
      { artistId: artistOf('roads'), imageUrl: null, genres: ['trip hop', 'bristol sound'] },
      { artistId: artistOf('hoppipolla'), imageUrl: null, genres: ['post-rock'] },
    ]);
    const tag = async (name: string, tracks: Name[]) => {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/tags',
        payload: { name },
      });
      await server.app.inject({
        method: 'POST',
        url: '/api/tracks/tags',
        payload: { trackIds: tracks.map((n) => ids[n]), add: [created.json<{ id: number }>().id] },
      });
    };
    await tag('Night', ['teardrop', 'roads']);
    await tag('Calm', ['hoppipolla']);
    // someone else's plays, which no answer may count
    const stranger = await newUser(t.db);
    const theirs = await newUserTrack(t.db, stranger.id, { name: 'Stranger' });
    await server.app.get(PlayRecorder).record(stranger.id, [
      {
        trackId: theirs.track_id,
        playedAt: new Date('2024-02-10T10:00:00Z'),
        msPlayed: 900_000,
        source: 'spotify_export',
      },
    ]);
  });

  it('keeps the rollups in the user zone and equal to a recount', async () => {
    expect(await rollupsReady()).toEqual({ ready: true, time_zone: 'Asia/Kolkata' });
    expect((await server.app.get(StatsAuditService).verify(me)).drift).toBe(0);
  });

  describe('top lists', () => {
    it('all time, by plays and by time, from the aggregates', async () => {
      expect(await top('top-tracks')).toEqual([
        ['Teardrop', 4, 700_000],
        ['Roads', 2, 350_000],
        ['Angel', 1, 300_000],
      ]);
      expect(await top('top-tracks?by=time&limit=10')).toEqual([
        ['Teardrop', 4, 700_000],
        ['Roads', 2, 350_000],
        ['Angel', 1, 300_000],
        ['Hoppípolla', 0, 10_000],
      ]);
      expect(await top('top-artists')).toEqual([
        ['Massive Attack', 5, 1_000_000],
        ['Portishead', 2, 350_000],
      ]);
      expect(await top('top-albums?limit=1')).toEqual([['Mezzanine', 5, 1_000_000]]);
      expect(await top('top-genres')).toEqual([
        ['trip hop', 7, 1_350_000],
        ['bristol sound', 2, 350_000],
      ]);
      expect(await top('top-tags?by=time')).toEqual([
        ['Night', 6, 1_050_000],
        ['Calm', 0, 10_000],
      ]);
    });

    it('for a whole local month, from the month rollups', async () => {
      expect(await top('top-artists?from=2024-02-01&to=2024-02-29')).toEqual([
        ['Massive Attack', 2, 500_000],
        ['Portishead', 1, 100_000],
      ]);
    });

    it('for days around a local midnight, from the plays', async () => {
      // 31 Jan and 1 Feb in Kolkata hold #1 and #2; 1 Feb alone holds #2 only
      expect(await top('top-tracks?from=2024-01-31&to=2024-02-01')).toEqual([
        ['Teardrop', 2, 400_000],
      ]);
      expect(await top('top-tracks?from=2024-02-01&to=2024-02-01')).toEqual([
        ['Teardrop', 1, 200_000],
      ]);
      // an instant range: [18:30Z, 18:45Z) holds #2 only
      expect(await top('top-tracks?from=2024-01-31T18:30:00Z&to=2024-01-31T18:45:00Z')).toEqual([
        ['Teardrop', 1, 200_000],
      ]);
    });

    it('for a period with whole months and ragged ends', async () => {
      // February whole, 15-31 Jan (#1) and 1-10 Mar (#5, #6, #8) from the plays
      expect(await top('top-tracks?from=2024-01-15&to=2024-03-10&by=time&limit=10')).toEqual([
        ['Teardrop', 3, 500_000],
        ['Roads', 2, 350_000],
        ['Angel', 1, 300_000],
        ['Hoppípolla', 0, 10_000],
      ]);
      expect(await top('top-genres?from=2024-01-15&to=2024-03-10')).toEqual([
        ['trip hop', 6, 1_150_000],
        ['bristol sound', 2, 350_000],
      ]);
      expect(await top('top-tags?from=2024-01-15&to=2024-03-10')).toEqual([['Night', 5, 850_000]]);
    });
  });

  it('gives listening time per local day, week and month, gaps at zero', async () => {
    expect((await get('listening-time?from=2024-01-31&to=2024-02-01')).body.items).toEqual([
      { period: '2024-01-31', plays: 1, msPlayed: 200_000 },
      { period: '2024-02-01', plays: 1, msPlayed: 200_000 },
    ]);
    expect((await get('listening-time?step=month')).body.items).toEqual([
      { period: '2024-01-01', plays: 1, msPlayed: 200_000 },
      { period: '2024-02-01', plays: 3, msPlayed: 600_000 },
      { period: '2024-03-01', plays: 3, msPlayed: 560_000 },
    ]);
    expect((await get('listening-time?step=week')).body.items).toEqual([
      { period: '2024-01-29', plays: 2, msPlayed: 400_000 },
      { period: '2024-02-05', plays: 1, msPlayed: 300_000 },
      { period: '2024-02-12', plays: 1, msPlayed: 100_000 },
      { period: '2024-02-19', plays: 0, msPlayed: 0 },
      { period: '2024-02-26', plays: 0, msPlayed: 0 },
      { period: '2024-03-04', plays: 2, msPlayed: 360_000 },
      { period: '2024-03-11', plays: 0, msPlayed: 0 },
      { period: '2024-03-18', plays: 1, msPlayed: 200_000 },
    ]);
  });

  it('maps plays on local weekdays (1 = Monday) and hours', async () => {
    expect((await get('heatmap')).body.items).toEqual([
      { weekday: 2, hour: 5, plays: 1, msPlayed: 250_000 },
      { weekday: 2, hour: 6, plays: 0, msPlayed: 10_000 },
      { weekday: 3, hour: 23, plays: 1, msPlayed: 200_000 },
      { weekday: 4, hour: 0, plays: 1, msPlayed: 200_000 },
      { weekday: 4, hour: 1, plays: 1, msPlayed: 200_000 },
      { weekday: 4, hour: 17, plays: 1, msPlayed: 100_000 },
      { weekday: 5, hour: 15, plays: 1, msPlayed: 100_000 },
      { weekday: 6, hour: 15, plays: 1, msPlayed: 300_000 },
    ]);
    // February only: whole hours from the rollup, ragged ones from the plays
    expect(
      (await get('heatmap?from=2024-01-31T18:35:00Z&to=2024-02-15T12:00:00Z')).body.items,
    ).toEqual([
      { weekday: 4, hour: 0, plays: 1, msPlayed: 200_000 },
      { weekday: 6, hour: 15, plays: 1, msPlayed: 300_000 },
    ]);
  });

  it('describes an artist and a track', async () => {
    const artistId = (await get('top-artists?limit=1')).body.items[0]!.id;
    const artist = await server.app.inject({
      method: 'GET',
      url: `/api/stats/artists/${artistId}`,
    });
    expect(artist.json()).toEqual({
      id: artistId,
      name: 'Massive Attack',
      plays: 5,
      msPlayed: 1_000_000,
      trackCount: 2,
      rank: 1,
      firstPlayedAt: '2024-01-31T18:20:00.000Z',
      lastPlayedAt: '2024-03-20T20:00:00.000Z',
      months: [
        { period: '2024-01-01', plays: 1, msPlayed: 200_000 },
        { period: '2024-02-01', plays: 2, msPlayed: 500_000 },
        { period: '2024-03-01', plays: 2, msPlayed: 300_000 },
      ],
    });
    const track = await server.app.inject({ method: 'GET', url: `/api/stats/tracks/${ids.roads}` });
    expect(track.json()).toMatchObject({
      name: 'Roads',
      artist: { name: 'Portishead' },
      plays: 2,
      msPlayed: 350_000,
      skips: 0,
      rank: 2,
      firstPlayedAt: '2024-02-15T12:00:00.000Z',
      lastPlayedAt: '2024-03-05T00:00:00.000Z',
      months: [
        { period: '2024-02-01', plays: 1, msPlayed: 100_000 },
        { period: '2024-03-01', plays: 1, msPlayed: 250_000 },
      ],
    });
  });

  it('answers alike from the plays while the rollups await a rebuild', async () => {
    const artistId = (await get('top-artists?limit=1')).body.items[0]!.id;
    const page = async (url: string) =>
      (await server.app.inject({ method: 'GET', url: `/api/stats/${url}` })).json<object>();
    const pages = [`artists/${artistId}`, `tracks/${ids.teardrop}`];
    const pagesFromRollups = await Promise.all(pages.map(page));
    const fromRollups = await Promise.all(
      ['top-tracks?from=2024-01-15&to=2024-03-10', 'listening-time?step=week', 'heatmap'].map(get),
    );
    await sql`UPDATE user_rollup_state SET ready = false WHERE user_id = ${me}`.execute(t.db);
    const first = await get('top-tracks?from=2024-01-15&to=2024-03-10');
    expect(first.body).toEqual(fromRollups[0]!.body);
    await sql`UPDATE user_rollup_state SET ready = false WHERE user_id = ${me}`.execute(t.db);
    expect(await page(pages[0]!)).toEqual(pagesFromRollups[0]);
    await sql`UPDATE user_rollup_state SET ready = false WHERE user_id = ${me}`.execute(t.db);
    expect(await page(pages[1]!)).toEqual(pagesFromRollups[1]);
    await until(async () => (await rollupsReady())!.ready);
    expect((await get('listening-time?step=week')).body).toEqual(fromRollups[1]!.body);
    expect((await get('heatmap')).body).toEqual(fromRollups[2]!.body);
  });

  it('re-keys everything when the time zone changes, right before and after the rebuild', async () => {
    // Kathmandu is UTC+5:45: #1 moves to Thursday 1 February, 00:05
    const kathmandu = [
      { period: '2024-02-01', plays: 4, msPlayed: 800_000 },
      { period: '2024-03-01', plays: 3, msPlayed: 560_000 },
    ];
    expect((await setZone('Asia/Kathmandu')).json()).toMatchObject({
      settings: { timeZone: 'Asia/Kathmandu' },
    });
    expect((await get('listening-time?step=month')).body.items).toEqual(kathmandu);
    await until(async () => (await rollupsReady())!.time_zone === 'Asia/Kathmandu');
    expect(await rollupsReady()).toEqual({ ready: true, time_zone: 'Asia/Kathmandu' });
    expect((await get('listening-time?step=month')).body.items).toEqual(kathmandu);
    expect((await get('heatmap')).body.items.slice(2, 3)).toEqual([
      { weekday: 4, hour: 0, plays: 2, msPlayed: 400_000 },
    ]);
    expect((await server.app.get(StatsAuditService).verify(me)).drift).toBe(0);
    await setZone('Asia/Kolkata');
    await until(async () => (await rollupsReady())!.time_zone === 'Asia/Kolkata');
  });

  it('refuses bad periods, limits, zones and ids', async () => {
    for (const url of [
      'top-artists?from=2024-03-01&to=2024-02-01',
      'top-artists?from=2024-13-01',
      'top-artists?from=yesterday',
      'top-artists?to=2024-02-30',
      'top-artists?limit=0',
      'top-artists?limit=501',
      'top-artists?by=skips',
      'listening-time?step=year',
      'heatmap?colour=red',
      'artists/abc',
    ]) {
      expect((await get(url)).status, url).toBe(400);
    }
    expect((await get('artists/999999')).status).toBe(404);
    expect((await get('tracks/999999')).status).toBe(404);
    const strangers = await sql<{ id: number }>`
      SELECT id FROM user_track WHERE user_id <> ${me} LIMIT 1`.execute(t.db);
    expect((await get(`tracks/${strangers.rows[0]!.id}`)).status).toBe(404);
    expect((await setZone('Mars/Olympus')).statusCode).toBe(400);
    const patchSettings = (payload: object) =>
      server.app.inject({ method: 'PATCH', url: '/api/me/settings', payload });
    for (const payload of [
      {},
      { playThresholdMs: 600_001 },
      { playThresholdMs: -1 },
      { playThresholdMs: 1.5 },
      { timeZone: 'UTC', colour: 'red' },
    ]) {
      expect((await patchSettings(payload)).statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect(await rollupsReady()).toMatchObject({ time_zone: 'Asia/Kolkata' });
    const profile = await server.app.inject({ method: 'GET', url: '/api/me' });
    expect(profile.json()).toMatchObject({
      settings: { timeZone: 'Asia/Kolkata', playThresholdMs: 30_000 },
    });
  });

  it('changes the play threshold for plays from now on', async () => {
    const changed = await server.app.inject({
      method: 'PATCH',
      url: '/api/me/settings',
      payload: { playThresholdMs: 45_000 },
    });
    expect(changed.json()).toMatchObject({
      settings: { timeZone: 'Asia/Kolkata', playThresholdMs: 45_000 },
    });
    const { rows } = await sql<{ play_threshold_ms: number }>`
      SELECT play_threshold_ms FROM user_settings WHERE user_id = ${me}`.execute(t.db);
    expect(rows).toEqual([{ play_threshold_ms: 45_000 }]);
    expect(await rollupsReady()).toEqual({ ready: true, time_zone: 'Asia/Kolkata' });
  });
});
