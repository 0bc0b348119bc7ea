import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { CatalogService } from '../src/catalog/catalog.service.js';
import { GeneratorService } from '../src/generator/generator.service.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import type { TrackItem } from '../src/library/track-list.repository.js';
import { tracksQuerySchema } from '../src/library/tracks.dto.js';
import { TracksService } from '../src/library/tracks.service.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

interface Page {
  items: TrackItem[];
  nextCursor: string | null;
}

/** Every sort's key as the database holds it, to order the library here independently. */
interface KeyRow {
  id: number;
  added_at: Date;
  play_count: number;
  last_played_at: Date | null;
  rating: number | null;
  title_sort: string;
  artist_sort: string;
  album_sort: string | null;
  duration_ms: number | null;
}

type Key = number | string | null;
const SORT_KEYS: Record<string, (r: KeyRow) => Key[]> = {
  added: (r) => [r.added_at.getTime()],
  plays: (r) => [r.play_count],
  last_played: (r) => [r.last_played_at?.getTime() ?? null],
  rating: (r) => [r.rating],
  name: (r) => [r.title_sort],
  artist: (r) => [r.artist_sort, r.album_sort ?? ''],
  album: (r) => [r.album_sort],
  duration: (r) => [r.duration_ms],
};

/** The order the API promises: by the keys in the direction, NULL keys last, then by id. */
function expectedOrder(rows: KeyRow[], sort: string, order: 'asc' | 'desc'): number[] {
  const sign = order === 'asc' ? 1 : -1;
  const compare = (a: Key, b: Key) => (a === b ? 0 : a! < b! ? -1 : 1);
  return [...rows]
    .sort((x, y) => {
      const a = SORT_KEYS[sort]!(x);
      const b = SORT_KEYS[sort]!(y);
      if ((a[0] === null) !== (b[0] === null)) return a[0] === null ? 1 : -1;
      for (let i = 0; i < a.length; i++) {
        const c = compare(a[i]!, b[i]!);
        if (c !== 0) return sign * c;
      }
      return sign * (x.id - y.id);
    })
    .map((r) => r.id);
}

describeEachEngine('GET /api/tracks', (t) => {
  const server = useTestApp(t);
  let me: number;
  let keys: KeyRow[];
  const get = async (query: string) => {
    const response = await server.app.inject({ method: 'GET', url: `/api/tracks?${query}` });
    return { status: response.statusCode, body: response.json<Page & { message?: string }>() };
  };
  const walk = async (query: string, limit = 100) => {
    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  };

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    await server.app.get(GeneratorService).generate({ scale: 'S', seed: 5, userId: me });
    // Tracks known by name only: no album, no duration (the NULL phases of those sorts).
    const named = await server.app.get(CatalogService).resolveTracks([
      { artistName: 'Björk', trackName: 'Jóga' },
      { artistName: 'Sigur Rós', trackName: 'Hoppípolla' },
    ]);
    await server.app.get(PlayRecorder).record(
      me,
      named.trackIds.map((trackId, i) => ({
        trackId,
        playedAt: new Date(Date.UTC(2020, 0, 1 + i)),
        msPlayed: 200_000,
        source: 'spotify_account_export' as const,
      })),
    );
    // Someone else's library, which no answer may show.
    await newUserTrack(t.db, (await newUser(t.db)).id, { name: 'Stranger' });
    const { rows } = await sql<KeyRow>`
      SELECT ut.id, ut.added_at, s.play_count, s.last_played_at, ut.rating, ut.title_sort,
        ut.artist_sort, ut.album_sort, ut.duration_ms
      FROM user_track ut JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${me}`.execute(t.db);
    keys = rows;
  }, 60_000);

  describe.each(Object.keys(SORT_KEYS))('sorted by %s', (sort) => {
    it.each(['asc', 'desc'] as const)(
      '%s: every track exactly once, in order, NULLs last',
      async (order) => {
        const ids = await walk(`sort=${sort}&order=${order}`);
        expect(ids).toEqual(expectedOrder(keys, sort, order));
      },
    );
  });

  it('gives the promised item shape', async () => {
    const { body } = await get('sort=plays&order=desc&limit=1');
    const [top] = body.items;
    expect(top).toMatchObject({
      id: expect.any(Number),
      name: expect.any(String),
      durationMs: expect.any(Number),
      album: { id: expect.any(Number), name: expect.any(String), imageUrl: null },
      artists: expect.arrayContaining([{ id: expect.any(Number), name: expect.any(String) }]),
      tags: expect.any(Array),
      genres: expect.any(Array),
      playCount: Math.max(...keys.map((k) => k.play_count)),
      liked: expect.any(Boolean),
    });
    expect(new Date(top!.addedAt as unknown as string).getTime()).not.toBeNaN();
  });

  it('answers through its compiled serializer exactly what the service returns', async () => {
    // The route writes with a schema (fast-json-stringify): a property it did not name would
    // vanish, and a value of another type would be coerced. Every page of the library, NULLs
    // (no album, no duration, never played, unrated), tags, genres and credits among them.
    const service = server.app.get(TracksService);
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = { sort: 'added', limit: '100', ...(cursor ? { cursor } : {}) };
      const expected = await service.page({ id: me }, tracksQuerySchema.parse(query));
      const answer = await get(new URLSearchParams(query).toString());
      expect(answer.body).toEqual(JSON.parse(JSON.stringify(expected)));
      cursor = expected.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
  });

  it('filters by liked, rated, played, tag, genre, artist and album', async () => {
    const count = async (query: string) => (await walk(`${query}`)).length;
    const { rows: facts } = await sql<{
      liked: number;
      rated: number;
      unplayed: number;
    }>`SELECT count(*) FILTER (WHERE ut.liked)::int AS liked,
        count(*) FILTER (WHERE ut.rating IS NOT NULL)::int AS rated,
        count(*) FILTER (WHERE s.play_count = 0)::int AS unplayed
      FROM user_track ut JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${me}`.execute(t.db);
    expect(await count('liked=true')).toBe(facts[0]!.liked);
    expect(await count('liked=false')).toBe(keys.length - facts[0]!.liked);
    expect(await count('rated=true')).toBe(facts[0]!.rated);
    expect(await count('rated=false&sort=rating')).toBe(keys.length - facts[0]!.rated);
    expect(await count('played=false&sort=last_played')).toBe(facts[0]!.unplayed);

    const { items } = (await get('sort=plays&limit=1')).body;
    const top = items[0]!;
    const byArtist = await walk(`artist=${top.artists[0]!.id}`);
    expect(byArtist).toContain(top.id);
    const byAlbum = (await get(`album=${top.album!.id}&limit=100`)).body.items;
    expect(byAlbum.every((i) => i.album?.id === top.album!.id)).toBe(true);

    const tagged = (await get('sort=added&limit=100')).body.items.find((i) => i.tags.length > 0)!;
    const tag = tagged.tags[0]!;
    const withTag = (await get(`tag=${tag.id}&limit=100`)).body.items;
    expect(withTag.map((i) => i.id)).toContain(tagged.id);
    expect(withTag.every((i) => i.tags.some((x) => x.id === tag.id))).toBe(true);

    const genre = (await get('sort=added&limit=100')).body.items.find((i) => i.genres.length > 0)!
      .genres[0]!;
    const ofGenre = (await get(`genre=${encodeURIComponent(genre)}&limit=100`)).body.items;
    expect(ofGenre.length).toBeGreaterThan(0);
    expect(ofGenre.every((i) => i.genres.includes(genre))).toBe(true);
  });

  it('searches names ignoring case and accents', async () => {
    const names = async (q: string) =>
      (await get(`q=${encodeURIComponent(q)}&limit=100`)).body.items.map((i) => i.name);
    expect(await names('JOGA bjork')).toEqual(['Jóga']);
    expect(await names('hoppipolla')).toEqual(['Hoppípolla']);
    expect(await names('sigur rós')).toEqual(['Hoppípolla']);
    expect(await names('stranger')).toEqual([]);
    expect(await names('100%_\\')).toEqual([]);
  });

  it('refuses a tampered cursor, or one reused with another sort or filter', async () => {
    const first = (await get('sort=name&limit=5')).body;
    const cursor = first.nextCursor!;
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}`;
    expect((await get(`sort=name&limit=5&cursor=${tampered}`)).status).toBe(400);
    const otherSort = await get(`sort=added&limit=5&cursor=${cursor}`);
    expect(otherSort.status).toBe(400);
    expect(otherSort.body.message).toMatch(/another sort or filter/);
    expect((await get(`sort=name&liked=true&limit=5&cursor=${cursor}`)).status).toBe(400);
    expect((await get(`sort=name&limit=5&cursor=${cursor}`)).status).toBe(200);
  });

  it('answers bad parameters with a 400 naming them', async () => {
    for (const query of [
      'sort=colour',
      'order=up',
      'limit=0',
      'limit=101',
      'liked=maybe',
      'tag=x',
      'tag=1e3',
      'tag=1,0x1f',
      'artist=%2012',
    ]) {
      const { status, body } = await get(query);
      expect(status, query).toBe(400);
      expect(JSON.stringify(body), query).toMatch(new RegExp(query.split('=')[0]!));
    }
  });

  it('costs the same number of queries whatever the page size', async () => {
    // genre names are read once per process, when a page first shows them
    await get('sort=last_played&limit=100');
    const counts: number[] = [];
    for (const limit of [1, 50, 100]) {
      const before = server.queries();
      expect((await get(`sort=last_played&limit=${limit}`)).status).toBe(200);
      counts.push(server.queries() - before);
    }
    expect(new Set(counts).size).toBe(1);
  });

  describe('PUT /api/tracks/:id/rating', () => {
    const rate = (id: number, rating: unknown) =>
      server.app.inject({ method: 'PUT', url: `/api/tracks/${id}/rating`, payload: { rating } });
    const ratingOf = async (id: number) =>
      (
        await sql<{
          rating: number | null;
        }>`SELECT rating FROM user_track WHERE id = ${id}`.execute(t.db)
      ).rows[0]!.rating;

    it('stores half stars and clears with null', async () => {
      const id = keys[0]!.id;
      expect((await rate(id, 4.5)).statusCode).toBe(204);
      expect(await ratingOf(id)).toBe(9);
      expect((await rate(id, 0)).statusCode).toBe(204);
      expect(await ratingOf(id)).toBe(0);
      expect((await rate(id, null)).statusCode).toBe(204);
      expect(await ratingOf(id)).toBeNull();
    });

    it.each([
      [4.3, /steps of 0.5/],
      [6, /from 0 to 5/],
      [-1, /from 0 to 5/],
      ['5', /a number from 0 to 5/],
    ])('refuses %s, naming the rule, and changes nothing', async (rating, message) => {
      const id = keys[1]!.id;
      const before = await ratingOf(id);
      const response = await rate(id, rating);
      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(message);
      expect(await ratingOf(id)).toBe(before);
    });

    it("answers 404 for a track outside the user's library", async () => {
      const stranger = await newUserTrack(t.db, (await newUser(t.db)).id);
      expect((await rate(stranger.id, 3)).statusCode).toBe(404);
      expect(await ratingOf(stranger.id)).toBeNull();
      expect((await rate(987_654_321, 3)).statusCode).toBe(404);
    });
  });
});
