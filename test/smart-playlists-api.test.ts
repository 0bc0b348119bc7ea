import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { nameKey, sortKey } from '../src/db/sort-key.js';
import type { TrackItem } from '../src/library/track-list.repository.js';
import type { RuleNode, SmartLimit } from '../src/smart-playlists/rules.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

const DAY = 86_400_000;

/**
 * A small named library with hand-checked answers. Dates of plays are
 * relative to now (the API evaluates relative periods against the clock);
 * dates added are absolute days.
 */
const LIBRARY = {
  cafe: {
    name: 'Café del Mar',
    artist: 'Energy 52',
    rating: 5,
    plays: 12,
    lastPlayedDaysAgo: 3,
    added: '2024-01-10T12:00:00Z',
    liked: true,
    genres: ['trance'],
    tags: ['Chill'],
    durationMs: 300_000,
  },
  blue: {
    name: 'Blue Monday',
    artist: 'New Order',
    rating: 4,
    plays: 3,
    lastPlayedDaysAgo: 200,
    added: '2025-06-01T12:00:00Z',
    liked: false,
    genres: ['synth-pop'],
    tags: ['Dance', 'Chill'],
    durationMs: 450_000,
  },
  pure: {
    name: '100% Pure Love',
    artist: 'Crystal Waters',
    rating: null,
    plays: 0,
    lastPlayedDaysAgo: null,
    added: '2026-01-01T12:00:00Z',
    liked: false,
    genres: [],
    tags: [],
    durationMs: 200_000,
  },
  ab: {
    name: 'a_b',
    artist: 'Zoë Keating',
    rating: 2.5,
    plays: 1,
    lastPlayedDaysAgo: 10,
    added: '2023-05-05T12:00:00Z',
    liked: true,
    genres: ['cello'],
    tags: [],
    durationMs: 180_000,
  },
  slash: {
    name: 'back\\slash',
    artist: 'Björk',
    rating: null,
    plays: 7,
    lastPlayedDaysAgo: 100,
    added: '2022-02-02T12:00:00Z',
    liked: false,
    genres: ['art pop'],
    tags: ['Dance'],
    durationMs: 240_000,
  },
} as const;
type Name = keyof typeof LIBRARY;
const NAMES = Object.keys(LIBRARY) as Name[];

interface Preview {
  items: TrackItem[];
  nextCursor: string | null;
  count: number;
  durationMs: number;
}

describeEachEngine('smart playlists', (t) => {
  const server = useTestApp(t);
  const ids = {} as Record<Name, number>;
  let me: number;
  let stranger: number;
  let strangersPlaylist: number;
  let manualPlaylist: number;

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const response = await server.app.inject({ method, url: `/api${url}`, payload });
    return {
      status: response.statusCode,
      body: response.body ? response.json<Record<string, unknown>>() : {},
    };
  };
  const nameOf = (id: number) => NAMES.find((n) => ids[n] === id);
  const preview = async (rules: RuleNode[], match: 'all' | 'any' = 'all', limit?: SmartLimit) => {
    const { status, body } = await call('POST', '/smart-playlists/preview?limit=100', {
      match,
      rules,
      limit,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    return body as unknown as Preview;
  };
  const matching = async (rules: RuleNode[], match: 'all' | 'any' = 'all') =>
    (await preview(rules, match)).items.map((i) => nameOf(i.id)).sort();

  beforeAll(async () => {
    me = (await server.app.get(LocalUserService).get()).id;
    stranger = (await newUser(t.db)).id;
    const now = Date.now();
    for (const name of NAMES) {
      const track = LIBRARY[name];
      const row = await newUserTrack(t.db, me, {
        name: track.name,
        artist: track.artist,
        durationMs: track.durationMs,
      });
      ids[name] = row.id;
      await t.db
        .updateTable('user_track')
        .set({
          rating: track.rating === null ? null : track.rating * 2,
          liked: track.liked,
          added_at: new Date(track.added),
        })
        .where('id', '=', row.id)
        .execute();
      await t.db
        .updateTable('user_track_stats')
        .set({
          play_count: track.plays,
          ms_played: track.plays * 100_000,
          last_played_at:
            track.lastPlayedDaysAgo === null ? null : new Date(now - track.lastPlayedDaysAgo * DAY),
        })
        .where('user_track_id', '=', row.id)
        .execute();
      for (const genre of track.genres) {
        await sql`INSERT INTO genre (name, sort_name) VALUES (${genre}, ${sortKey(genre)}) ON CONFLICT DO NOTHING`.execute(
          t.db,
        );
        await sql`INSERT INTO artist_genre (artist_id, genre_id, source)
          SELECT t.artist_id, g.id, 'spotify' FROM track t, genre g
          WHERE t.id = ${row.track_id} AND g.name = ${genre}`.execute(t.db);
      }
      for (const tag of track.tags) {
        await sql`INSERT INTO tag (user_id, name, name_key, sort_key)
          VALUES (${me}, ${tag}, ${nameKey(tag)}, ${sortKey(tag)}) ON CONFLICT DO NOTHING`.execute(
          t.db,
        );
        await sql`INSERT INTO track_tag (user_id, user_track_id, tag_id)
          SELECT ${me}, ${row.id}, id FROM tag WHERE user_id = ${me} AND name_key = ${nameKey(tag)}`.execute(
          t.db,
        );
      }
    }
    // Someone else's five-star "Café del Mar" and smart playlist: never seen here.
    const theirs = await newUserTrack(t.db, stranger, {
      name: 'Café del Mar',
      artist: 'Energy 52',
    });
    await t.db.updateTable('user_track').set({ rating: 10 }).where('id', '=', theirs.id).execute();
    const { id } = await t.db
      .insertInto('smart_playlist')
      .values({ user_id: stranger, name: 'Theirs' })
      .returning('id')
      .executeTakeFirstOrThrow();
    strangersPlaylist = id;

    const created = await call('POST', '/playlists', { name: 'Manual' });
    manualPlaylist = created.body.id as number;
    await call('POST', `/playlists/${manualPlaylist}/tracks`, { trackIds: [ids.blue, ids.pure] });
  });

  describe('rules against hand-checked answers', () => {
    const cases: [string, RuleNode[], Name[], ('all' | 'any')?][] = [
      [
        'text ignores case and accents',
        [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: 'CAFE' }],
        ['cafe'],
      ],
      [
        '% matches literally',
        [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: '%' }],
        ['pure'],
      ],
      ['_ matches literally', [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: '_' }], ['ab']],
      [
        '\\ matches literally',
        [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: '\\' }],
        ['slash'],
      ],
      [
        'an injection attempt is a value',
        [{ field: 'TRACK_NAME', operator: 'EQUALS', value: "'); drop table track; --" }],
        [],
      ],
      [
        'artist prefix, accents folded',
        [{ field: 'ARTIST_NAME', operator: 'STARTS_WITH', value: 'bjo' }],
        ['slash'],
      ],
      [
        'artist suffix',
        [{ field: 'ARTIST_NAME', operator: 'ENDS_WITH', value: 'KEATING' }],
        ['ab'],
      ],
      [
        'rating in stars',
        [{ field: 'RATING', operator: 'GREATER_EQUAL', value: 4 }],
        ['blue', 'cafe'],
      ],
      ['unrated', [{ field: 'RATING', operator: 'IS_EMPTY', value: null }], ['pure', 'slash']],
      [
        '"not rated 5" includes the unrated',
        [{ field: 'RATING', operator: 'NOT_EQUALS', value: 5 }],
        ['ab', 'blue', 'pure', 'slash'],
      ],
      [
        'rating between, half stars',
        [{ field: 'RATING', operator: 'BETWEEN', value: [2.5, 4] }],
        ['ab', 'blue'],
      ],
      ['never played', [{ field: 'PLAY_COUNT', operator: 'IS_EMPTY', value: null }], ['pure']],
      [
        'played in the last 30 days',
        [{ field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 30, unit: 'days' } }],
        ['ab', 'cafe'],
      ],
      [
        'not in the last 30 days includes never',
        [
          {
            field: 'LAST_PLAYED',
            operator: 'NOT_IN_THE_LAST',
            value: { amount: 30, unit: 'days' },
          },
        ],
        ['blue', 'pure', 'slash'],
      ],
      [
        'in the last 4 months',
        [{ field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 4, unit: 'months' } }],
        ['ab', 'cafe', 'slash'],
      ],
      [
        'genre, some value matches',
        [{ field: 'GENRE', operator: 'EQUALS', value: 'Trance' }],
        ['cafe'],
      ],
      [
        'genre NOT_IN: no value matches',
        [{ field: 'GENRE', operator: 'NOT_IN', value: ['trance', 'cello'] }],
        ['blue', 'pure', 'slash'],
      ],
      ['no genre', [{ field: 'GENRE', operator: 'IS_EMPTY', value: null }], ['pure']],
      [
        'tag, some value matches',
        [{ field: 'TAG', operator: 'EQUALS', value: 'chill' }],
        ['blue', 'cafe'],
      ],
      [
        'tag NOT_CONTAINS: no value matches',
        [{ field: 'TAG', operator: 'NOT_CONTAINS', value: 'danc' }],
        ['ab', 'cafe', 'pure'],
      ],
      ['untagged', [{ field: 'TAG', operator: 'IS_EMPTY', value: null }], ['ab', 'pure']],
      ['liked', [{ field: 'LIKED', operator: 'EQUALS', value: true }], ['ab', 'cafe']],
      [
        'added before a day',
        [{ field: 'ADDED_AT', operator: 'LESS_THAN', value: '2024-01-01' }],
        ['ab', 'slash'],
      ],
      [
        'added between days, inclusive',
        [{ field: 'ADDED_AT', operator: 'BETWEEN', value: ['2024-01-10', '2025-06-01'] }],
        ['blue', 'cafe'],
      ],
      [
        'longer than five minutes',
        [{ field: 'DURATION', operator: 'GREATER_THAN', value: 299_999 }],
        ['blue', 'cafe'],
      ],
      [
        'time played',
        [{ field: 'MS_PLAYED', operator: 'GREATER_EQUAL', value: 700_000 }],
        ['cafe', 'slash'],
      ],
      [
        'in a manual playlist',
        [{ field: 'IN_PLAYLIST', operator: 'EQUALS', value: { playlistId: 0 } }],
        ['blue', 'pure'],
      ],
      [
        'not in a manual playlist',
        [{ field: 'IN_PLAYLIST', operator: 'NOT_EQUALS', value: { playlistId: 0 } }],
        ['ab', 'cafe', 'slash'],
      ],
      [
        'nested groups',
        [
          {
            match: 'all',
            rules: [
              { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 },
              { field: 'TAG', operator: 'EQUALS', value: 'Chill' },
            ],
          },
          { field: 'GENRE', operator: 'EQUALS', value: 'cello' },
        ],
        ['ab', 'blue', 'cafe'],
        'any',
      ],
      ['no rules: the whole library', [], ['ab', 'blue', 'cafe', 'pure', 'slash']],
    ];
    it.each(cases)('%s', async (_title, rules, expected, match) => {
      const withPlaylist = JSON.parse(
        JSON.stringify(rules).replaceAll('"playlistId":0', `"playlistId":${manualPlaylist}`),
      ) as RuleNode[];
      expect(await matching(withPlaylist, match)).toEqual(expected);
    });

    it('leaves the catalog alone after an injection attempt', async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM track`.execute(t.db);
      expect(rows[0]!.n).toBeGreaterThanOrEqual(NAMES.length);
    });
  });

  describe('limits', () => {
    it('selects N tracks by the chosen order, and reads in that order', async () => {
      const result = await preview([], 'all', {
        count: 2,
        unit: 'tracks',
        selectBy: 'most_played',
      });
      expect(result.items.map((i) => nameOf(i.id))).toEqual(['cafe', 'slash']);
      expect(result.count).toBe(2);
      expect(result.durationMs).toBe(540_000);
    });

    it('selects the longest run that fits in N minutes', async () => {
      const result = await preview([], 'all', {
        count: 10,
        unit: 'minutes',
        selectBy: 'least_recently_added',
      });
      // 2022 (4 min) + 2023 (3 min) fit in 10; 2024's 5 more minutes do not
      expect(result.items.map((i) => nameOf(i.id))).toEqual(['slash', 'ab']);
    });

    it('puts unrated tracks last when selecting the lowest rated', async () => {
      const result = await preview([], 'all', {
        count: 4,
        unit: 'tracks',
        selectBy: 'lowest_rated',
      });
      // two unrated: last, between themselves by id in the order's direction
      expect(result.items.map((i) => nameOf(i.id))).toEqual(['ab', 'blue', 'cafe', 'pure']);
    });
  });

  describe('a saved smart playlist', () => {
    const definition = {
      name: 'Loved and recent',
      description: 'a test',
      match: 'any',
      rules: [
        { field: 'LIKED', operator: 'EQUALS', value: true },
        {
          match: 'all',
          rules: [
            { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 },
            {
              field: 'LAST_PLAYED',
              operator: 'IN_THE_LAST',
              value: { amount: 1, unit: 'months' },
            },
          ],
        },
      ],
      limit: null,
    };

    it('is stored as given, evaluated live, paged, counted, refreshed, replaced and deleted', async () => {
      const created = await call('POST', '/smart-playlists', definition);
      expect(created.status).toBe(201);
      const id = created.body.id as number;
      expect(created.body).toMatchObject({ ...definition, trackCount: 2 });
      expect((await call('GET', `/smart-playlists/${id}`)).body).toMatchObject(definition);

      const first = await call('GET', `/smart-playlists/${id}/tracks?limit=1`);
      expect(first.status).toBe(200);
      const second = await call(
        'GET',
        `/smart-playlists/${id}/tracks?limit=1&cursor=${String(first.body.nextCursor)}`,
      );
      const paged = [...(first.body.items as TrackItem[]), ...(second.body.items as TrackItem[])];
      // newest first by default: 2024's Café del Mar, then 2023's a_b
      expect(paged.map((i) => nameOf(i.id))).toEqual(['cafe', 'ab']);
      expect(second.body.nextCursor).toBeNull();
      expect((await call('GET', `/smart-playlists/${id}/count`)).body).toEqual({
        count: 2,
        durationMs: 480_000,
      });

      const stored = await t.db
        .selectFrom('smart_playlist_track')
        .select(['user_track_id', 'position'])
        .where('user_id', '=', me)
        .where('smart_playlist_id', '=', id)
        .orderBy('position')
        .execute();
      expect(stored.map((r) => nameOf(r.user_track_id))).toEqual(['cafe', 'ab']);

      const replaced = await call('PUT', `/smart-playlists/${id}`, {
        name: 'Renamed',
        match: 'all',
        rules: [{ field: 'GENRE', operator: 'IS_NOT_EMPTY', value: null }],
        limit: { count: 2, unit: 'tracks', selectBy: 'name' },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ name: 'Renamed', trackCount: 2 });
      const now = await call('GET', `/smart-playlists/${id}/tracks`);
      expect((now.body.items as TrackItem[]).map((i) => nameOf(i.id))).toEqual(['ab', 'slash']);

      expect((await call('DELETE', `/smart-playlists/${id}`)).status).toBe(204);
      expect((await call('GET', `/smart-playlists/${id}`)).status).toBe(404);
    });

    it('takes concurrent refreshes one after the other', async () => {
      const created = await call('POST', '/smart-playlists', definition);
      const id = created.body.id as number;
      const refreshes = await Promise.all(
        [1, 2, 3].map(() => call('POST', `/smart-playlists/${id}/refresh`)),
      );
      expect(refreshes.map((r) => [r.status, r.body.trackCount])).toEqual([
        [200, 2],
        [200, 2],
        [200, 2],
      ]);
      expect((await call('GET', `/smart-playlists/${id}`)).body.trackCount).toBe(2);
    });

    it('refreshes from the command line, after a change the live view already shows', async () => {
      const created = await call('POST', '/smart-playlists', {
        name: 'Five stars',
        rules: [{ field: 'RATING', operator: 'EQUALS', value: 5 }],
      });
      const id = created.body.id as number;
      expect(created.body.trackCount).toBe(1);
      await call('PUT', `/tracks/${ids.blue}/rating`, { rating: 5 });
      try {
        expect((await call('GET', `/smart-playlists/${id}/count`)).body.count).toBe(2);
        expect((await call('GET', `/smart-playlists/${id}`)).body.trackCount).toBe(1);
        const result = (await runCommand(
          createCommandContext((type) => server.app.get(type, { strict: false }), undefined),
          'smart.refresh',
          {},
        )) as { refreshed: number };
        expect(result.refreshed).toBeGreaterThanOrEqual(1);
        expect((await call('GET', `/smart-playlists/${id}`)).body.trackCount).toBe(2);
      } finally {
        await call('PUT', `/tracks/${ids.blue}/rating`, { rating: 4 });
        await call('DELETE', `/smart-playlists/${id}`);
      }
    });

    it('exports and imports its definition', async () => {
      const created = await call('POST', '/smart-playlists', definition);
      const exported = await call('GET', `/smart-playlists/${created.body.id as number}/export`);
      expect(exported.body).toEqual({ spotlib: 'smart-playlist', version: 1, definition });
      const imported = await call('POST', '/smart-playlists/import', exported.body);
      expect(imported.status).toBe(201);
      expect(imported.body.id).not.toBe(created.body.id);
      expect(imported.body).toMatchObject(definition);
    });

    it('reads another smart playlist through its last refresh, and refuses a cycle', async () => {
      const rated = await call('POST', '/smart-playlists', {
        name: 'Rated 4+',
        rules: [{ field: 'RATING', operator: 'GREATER_EQUAL', value: 4 }],
      });
      const ratedId = rated.body.id as number;
      const within = await call('POST', '/smart-playlists', {
        name: 'Rated and liked',
        rules: [
          { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { smartPlaylistId: ratedId } },
          { field: 'LIKED', operator: 'EQUALS', value: true },
        ],
      });
      expect(within.body.trackCount).toBe(1);
      const cycle = await call('PUT', `/smart-playlists/${ratedId}`, {
        name: 'Rated 4+',
        rules: [
          { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { smartPlaylistId: within.body.id } },
        ],
      });
      expect(cycle.status).toBe(400);
      expect(cycle.body.message).toMatch(/^rules\[0\]\.value: IN_PLAYLIST would make a cycle/);
      expect((await call('GET', `/smart-playlists/${ratedId}`)).body.rules).toEqual([
        { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 },
      ]);

      // a new definition of the one read refreshes its reader
      await call('PUT', `/smart-playlists/${ratedId}`, {
        name: 'Rated 2.5+',
        rules: [{ field: 'RATING', operator: 'GREATER_EQUAL', value: 2.5 }],
      });
      const reader = await call('GET', `/smart-playlists/${within.body.id as number}`);
      expect(reader.body.trackCount).toBe(2);

      // the one read cannot go while its reader reads it
      const refused = await call('DELETE', `/smart-playlists/${ratedId}`);
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(new RegExp(`smart playlist ${String(within.body.id)}`));
      expect((await call('GET', `/smart-playlists/${ratedId}`)).status).toBe(200);
    });
  });

  describe('bad input', () => {
    const countMine = async () =>
      (
        await t.db
          .selectFrom('smart_playlist')
          .select(sql<number>`count(*)::int`.as('n'))
          .where('user_id', '=', me)
          .executeTakeFirstOrThrow()
      ).n;

    const bad: [string, object, RegExp][] = [
      [
        'a wrong value deep in the tree',
        {
          name: 'x',
          rules: [
            { field: 'LIKED', operator: 'EQUALS', value: true },
            {
              match: 'any',
              rules: [{ field: 'PLAY_COUNT', operator: 'GREATER_THAN', value: 'many' }],
            },
          ],
        },
        /rules\[1\]\.rules\[0\]\.value: expected a number/,
      ],
      [
        'an unknown field',
        { name: 'x', rules: [{ field: 'BPM', operator: 'EQUALS', value: 1 }] },
        /rules\[0\]\.field: must be one of/,
      ],
      [
        'an operator the field lacks',
        { name: 'x', rules: [{ field: 'LIKED', operator: 'CONTAINS', value: 'x' }] },
        /rules\[0\]\.operator: CONTAINS does not apply to LIKED/,
      ],
      [
        'a rating of 3.3',
        { name: 'x', rules: [{ field: 'RATING', operator: 'EQUALS', value: 3.3 }] },
        /rules\[0\]\.value: expected steps of 0.5/,
      ],
      [
        'a date that is not one',
        { name: 'x', rules: [{ field: 'ADDED_AT', operator: 'LESS_THAN', value: '2024-02-30' }] },
        /rules\[0\]\.value: expected a date/,
      ],
      [
        'a bad period',
        {
          name: 'x',
          rules: [
            { field: 'LAST_PLAYED', operator: 'IN_THE_LAST', value: { amount: 0, unit: 'days' } },
          ],
        },
        /rules\[0\]\.value: expected \{amount/,
      ],
      [
        'a period reaching before SQL dates',
        {
          name: 'x',
          rules: [
            {
              field: 'LAST_PLAYED',
              operator: 'IN_THE_LAST',
              value: { amount: 100000, unit: 'months' },
            },
          ],
        },
        /rules\[0\]\.value: at most 1200 months/,
      ],
      [
        'a count beyond its column',
        { name: 'x', rules: [{ field: 'PLAY_COUNT', operator: 'BETWEEN', value: [0, 3e9] }] },
        /rules\[0\]\.value: PLAY_COUNT is at most 2147483647/,
      ],
      [
        'year zero',
        { name: 'x', rules: [{ field: 'ADDED_AT', operator: 'EQUALS', value: '0000-01-01' }] },
        /rules\[0\]\.value: expected a date \(YYYY-MM-DD\) from 1900 on/,
      ],
      [
        'a NUL in text',
        { name: 'x', rules: [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: 'a\u0000b' }] },
        /rules\[0\]\.value: expected text/,
      ],
      [
        'text that folds to nothing',
        { name: 'x', rules: [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: '\u0301' }] },
        /rules\[0\]\.value: expected text/,
      ],
      [
        'an empty group',
        { name: 'x', rules: [{ match: 'all', rules: [] }] },
        /rules\[0\]\.rules: a group needs at least one rule/,
      ],
      [
        'groups six deep',
        {
          name: 'x',
          rules: [
            {
              match: 'all',
              rules: [
                {
                  match: 'all',
                  rules: [
                    {
                      match: 'all',
                      rules: [
                        {
                          match: 'all',
                          rules: [
                            {
                              match: 'all',
                              rules: [{ field: 'LIKED', operator: 'EQUALS', value: true }],
                            },
                          ],
                        },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        },
        /rules\[0\]\.rules\[0\]\.rules\[0\]\.rules\[0\]\.rules\[0\]\.rules\[0\]: rules nest at most 5 deep/,
      ],
      [
        'a limit without an order',
        { name: 'x', rules: [], limit: { count: 5, unit: 'tracks' } },
        /limit\.selectBy/,
      ],
      [
        'a playlist that is not yours',
        {
          name: 'x',
          rules: [{ field: 'IN_PLAYLIST', operator: 'EQUALS', value: { smartPlaylistId: 0 } }],
        },
        /rules\[0\]\.value: no smart playlist \d+ of yours/,
      ],
    ];
    it.each(bad)('%s: 400, nothing created', async (_title, body, message) => {
      const before = await countMine();
      const payload = JSON.parse(
        JSON.stringify(body).replace(
          '"smartPlaylistId":0',
          `"smartPlaylistId":${strangersPlaylist}`,
        ),
      ) as object;
      const response = await call('POST', '/smart-playlists', payload);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(message);
      expect(await countMine()).toBe(before);
    });

    it("answers 404 for another user's smart playlist, changing nothing", async () => {
      for (const [method, url] of [
        ['GET', ''],
        ['GET', '/tracks'],
        ['GET', '/count'],
        ['GET', '/export'],
        ['POST', '/refresh'],
        ['DELETE', ''],
      ] as const) {
        expect((await call(method, `/smart-playlists/${strangersPlaylist}${url}`)).status).toBe(
          404,
        );
      }
      const put = await call('PUT', `/smart-playlists/${strangersPlaylist}`, {
        name: 'Mine now',
        rules: [],
      });
      expect(put.status).toBe(404);
      const theirs = await t.db
        .selectFrom('smart_playlist')
        .select('name')
        .where('id', '=', strangersPlaylist)
        .executeTakeFirstOrThrow();
      expect(theirs.name).toBe('Theirs');
    });

    it('refuses a bad preview, a foreign export and a bad sort, changing nothing', async () => {
      const before = await countMine();
      const preview = await call('POST', '/smart-playlists/preview', {
        rules: [{ field: 'RATING', operator: 'EQUALS', value: 'five' }],
      });
      expect(preview.status).toBe(400);
      expect(preview.body.message).toMatch(/rules\[0\]\.value: expected a number/);
      const imported = await call('POST', '/smart-playlists/import', {
        spotlib: 'smart-playlist',
        version: 2,
        definition: { name: 'x', rules: [] },
      });
      expect(imported.status).toBe(400);
      expect(imported.body.message).toMatch(/version: only version 1 is known/);
      expect(await countMine()).toBe(before);
      const created = await call('POST', '/smart-playlists', { name: 'Sorted', rules: [] });
      const sorted = await call(
        'GET',
        `/smart-playlists/${created.body.id as number}/tracks?sort=bpm`,
      );
      expect(sorted.status).toBe(400);
      expect(sorted.body.message).toMatch(/sort: must be one of/);
    });

    it("refuses a library list's cursor", async () => {
      const created = await call('POST', '/smart-playlists', { name: 'All', rules: [] });
      const library = await call('GET', '/tracks?limit=1');
      const response = await call(
        'GET',
        `/smart-playlists/${created.body.id as number}/tracks?cursor=${String(library.body.nextCursor)}`,
      );
      expect(response.status).toBe(400);
    });
  });

  describe('Navidrome .nsp files', () => {
    const fixture = (name: string) =>
      readFile(path.join(import.meta.dirname, 'fixtures/navidrome-nsp', name), 'utf8');

    it('imports what maps and lists what does not', async () => {
      const response = await call('POST', '/smart-playlists/import-nsp', {
        nsp: await fixture('nested_favourites.nsp'),
      });
      expect(response.status).toBe(201);
      const { playlist, problems } = response.body as {
        playlist: { id: number; name: string; limit: SmartLimit };
        problems: { path: string }[];
      };
      expect(playlist).toMatchObject({
        name: 'Loved or highly rated, not heard lately',
        limit: { count: 50, unit: 'tracks', selectBy: 'most_played' },
      });
      expect(problems.map((p) => p.path)).toEqual(['sort']);
      expect((await call('GET', `/smart-playlists/${playlist.id}`)).status).toBe(200);
    });

    it('refuses a file it would have to guess about, naming every problem', async () => {
      const response = await call('POST', '/smart-playlists/import-nsp', {
        nsp: await fixture('genres_and_artists.nsp'),
      });
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(/both all and any/);
      expect(response.body.message).toMatch(/bpm/);
    });
  });
});
