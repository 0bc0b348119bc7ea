import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { GeneratorService } from '../src/generator/generator.service.js';
import type { BrowseItem } from '../src/library/browse.repository.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

interface Row {
  id: number;
  sort_name: string;
  track_count: number;
  play_count: number;
  ms_played: number;
}

const KEY: Record<string, (r: Row) => number | string> = {
  plays: (r) => r.play_count,
  time: (r) => r.ms_played,
  tracks: (r) => r.track_count,
  name: (r) => r.sort_name,
};

describeEachEngine('browsing artists, albums and genres', (t) => {
  const server = useTestApp(t);
  let me: number;
  const get = async (url: string) => {
    const response = await server.app.inject({ method: 'GET', url: `/api${url}` });
    return {
      status: response.statusCode,
      body: response.json<{ items: BrowseItem[]; nextCursor: string | null }>(),
    };
  };
  const walk = async (path: string) => {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`${path}&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  };
  const expected = async (kind: 'artist' | 'album', sort: string, order: 'asc' | 'desc') => {
    const { rows } = await sql<Row>`
      SELECT c.id, c.sort_name, g.track_count, g.play_count, g.ms_played
      FROM ${sql.table(`user_${kind}`)} g JOIN ${sql.table(kind)} c ON c.id = g.${sql.ref(`${kind}_id`)}
      WHERE g.user_id = ${me} AND g.track_count > 0`.execute(t.db);
    const sign = order === 'asc' ? 1 : -1;
    return rows
      .sort((a, b) => {
        const x = KEY[sort]!(a);
        const y = KEY[sort]!(b);
        return sign * (x === y ? a.id - b.id : x < y ? -1 : 1);
      })
      .map((r) => r.id);
  };

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    await server.app.get(GeneratorService).generate({ scale: 'S', seed: 9, userId: me });
  }, 60_000);

  describe.each(['artist', 'album'] as const)('%ss', (kind) => {
    it.each(['plays', 'time', 'tracks', 'name'])(
      'by %s, both ways, every one once in order',
      async (sort) => {
        for (const order of ['asc', 'desc'] as const) {
          expect(await walk(`/${kind}s?sort=${sort}&order=${order}`)).toEqual(
            await expected(kind, sort, order),
          );
        }
      },
    );
  });

  it('shows counts from the aggregates, and an album its artist', async () => {
    const { items } = (await get('/albums?sort=plays&limit=1')).body;
    const { rows } = await sql<{ play_count: number }>`
      SELECT max(play_count)::int AS play_count FROM user_album WHERE user_id = ${me}`.execute(
      t.db,
    );
    expect(items[0]).toMatchObject({
      playCount: rows[0]!.play_count,
      trackCount: expect.any(Number),
      artist: { id: expect.any(Number), name: expect.any(String) },
    });
    const byName = (await get('/artists?sort=name&limit=3')).body.items;
    expect(byName.map((a) => a.name)).toEqual(
      [...byName.map((a) => a.name)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
  });

  it('sums genres over the artists the user has', async () => {
    const { body } = await get('/genres?sort=plays');
    const genres = body.items as unknown as {
      name: string;
      trackCount: number;
      playCount: number;
    }[];
    expect(genres.length).toBeGreaterThan(0);
    const { rows } = await sql<{ tracks: number; plays: number }>`
      SELECT sum(g.track_count)::int AS tracks, sum(g.play_count)::int AS plays
      FROM user_artist g JOIN artist_genre ag ON ag.artist_id = g.artist_id
      JOIN genre ge ON ge.id = ag.genre_id WHERE g.user_id = ${me} AND ge.name = ${genres[0]!.name}`.execute(
      t.db,
    );
    expect(genres[0]).toMatchObject({ trackCount: rows[0]!.tracks, playCount: rows[0]!.plays });
    const plays = genres.map((g) => g.playCount);
    expect(plays).toEqual([...plays].sort((a, b) => b - a));
  });

  it('refuses bad parameters and a cursor from another sort', async () => {
    expect((await get('/artists?sort=colour')).status).toBe(400);
    expect((await get('/genres?limit=501')).status).toBe(400);
    const { nextCursor } = (await get('/artists?sort=plays&limit=2')).body;
    expect((await get(`/artists?sort=name&cursor=${nextCursor}`)).status).toBe(400);
    expect((await get(`/albums?sort=plays&cursor=${nextCursor}`)).status).toBe(400);
  });
});
