import { beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import type { PlayItem } from '../src/history/history.dto.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

describeEachEngine('GET /api/history', (t) => {
  const server = useTestApp(t);
  const recent = new Date(Date.now() - 3_600_000);
  const times = [
    '2012-02-02T10:00:00.000Z',
    '2019-07-07T10:00:00.000Z',
    '2019-07-07T10:05:00.000Z',
    '2023-03-03T10:00:00.000Z',
    recent.toISOString(),
  ];
  const get = (query: string) => server.app.inject({ method: 'GET', url: `/api/history${query}` });

  beforeAll(async () => {
    const me = await server.app.get(LocalUserService).get();
    const recorder = server.app.get(PlayRecorder);
    const { track } = await newTrack(t.db, { name: 'Army of Me', artist: 'Björk', album: 'Post' });
    const other = await newTrack(t.db, { name: 'Hyperballad', artist: 'Björk', album: 'Post' });
    await recorder.record(
      me.id,
      times.map((time, i) => ({
        trackId: i % 2 ? other.track.id : track.id,
        playedAt: new Date(time),
        msPlayed: 200_000,
        source: 'spotify_export' as const,
      })),
    );
    const stranger = await newUser(t.db);
    await recorder.record(stranger.id, [
      {
        trackId: track.id,
        playedAt: new Date('2020-01-01T00:00:00Z'),
        msPlayed: 200_000,
        source: 'spotify_export',
      },
    ]);
  });

  it('pages through hot and archived plays, newest first, without gaps or repeats', async () => {
    const seen: PlayItem[] = [];
    let cursor: string | null = null;
    do {
      const response = await get(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: PlayItem[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((p) => p.playedAt)).toEqual([...times].reverse());
    expect(seen[0]).toEqual({
      playedAt: recent.toISOString(),
      msPlayed: 200_000,
      skipped: false,
      source: 'spotify_export',
      track: {
        id: expect.any(Number),
        name: 'Army of Me',
        artist: { id: expect.any(Number), name: 'Björk' },
        album: { id: expect.any(Number), name: 'Post' },
      },
    });
  });

  it('keeps to the range asked for', async () => {
    const response = await get('?from=2019-01-01T00:00:00Z&to=2023-03-03T10:00:00Z');
    expect(response.json<{ items: PlayItem[] }>().items.map((p) => p.playedAt)).toEqual([
      '2019-07-07T10:05:00.000Z',
      '2019-07-07T10:00:00.000Z',
    ]);
  });

  it.each([
    ['a tampered cursor', '?cursor=eyJiIjoiIn0.AAAA'],
    ['from after to', '?from=2020-01-01T00:00:00Z&to=2019-01-01T00:00:00Z'],
    ['an unparseable date', '?from=yesterday'],
    ['a limit of 0', '?limit=0'],
    ['a limit of 101', '?limit=101'],
    ['an unknown parameter', '?sort=asc'],
  ])('answers %s with 400', async (_name, query) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: expect.any(String),
      message: expect.any(String),
    });
  });

  it('refuses a cursor reused with another range', async () => {
    const first = (await get('?limit=1')).json<{ nextCursor: string }>();
    const response = await get(`?limit=1&from=2010-01-01T00:00:00Z&cursor=${first.nextCursor}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_cursor' });
  });
});
