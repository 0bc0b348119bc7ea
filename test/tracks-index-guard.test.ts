import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.js';
import {
  TrackListRepository,
  TRACK_SORTS,
  type TrackFilters,
  type TrackPosition,
  type TrackSort,
} from '../src/library/track-list.repository.js';
import { BrowseRepository } from '../src/library/browse.repository.js';
import { PlaylistsRepository } from '../src/library/playlists.repository.js';
import { compileSelection } from '../src/smart-playlists/rule-compiler.js';
import type { RuleNode, SmartLimit } from '../src/smart-playlists/rules.js';
import { AggregatesAuditRepository } from '../src/stats/aggregates-audit.repository.js';
import { createTestDatabase, postgresAvailable } from './support/databases.js';

/**
 * DESIGN rule 2: every sort, direction, depth and filter of the library list
 * runs on an index on a library of 120k tracks: no sequential scan of a
 * user-owned table, no sort of more than the page.
 */
const TRACKS = 120_000;
const LIMIT = 51;
const USER_TABLES = [
  'user_track',
  'user_track_stats',
  'track_tag',
  'tag',
  'playlist_track',
  'user_artist_genre',
];
/**
 * The exception: a user has tens of tags, so the planner rightly reads the
 * tag table whole (a page or two) instead of probing its index per row.
 */
/** Rows a page may read from one user table: the page, or what a filter keeping 1 in 50 skips. */
const MAX_READ = 50 * LIMIT;
const SMALL_TABLE_ROWS: Record<string, number> = { tag: 1000 };

/** The SQL order of each sort, to find the position at a depth independently. */
const ORDER_KEYS: Record<TrackSort, string[]> = {
  added: ['ut.added_at'],
  plays: ['s.play_count'],
  last_played: ['s.last_played_at'],
  rating: ['ut.rating'],
  name: ['ut.title_sort'],
  artist: ['ut.artist_sort', "coalesce(ut.album_sort, '')"],
  album: ['ut.album_sort'],
  duration: ['ut.duration_ms'],
};

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function problems(node: PlanNode, found: string[] = []): string[] {
  const table = node['Relation Name']!;
  const small = (node['Actual Rows'] ?? 0) <= SMALL_TABLE_ROWS[table]!;
  if (node['Node Type'] === 'Seq Scan' && USER_TABLES.includes(table) && !small) {
    found.push(`sequential scan of ${table}`);
  }
  const read = (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1);
  if (/Scan/.test(node['Node Type']) && USER_TABLES.includes(table) && !small && read > MAX_READ) {
    found.push(`${node['Node Type']} of ${table} reading ${read} rows`);
  }
  // A top-N sort outputs the page only: what it sorted is what its input produced.
  const sorted = (node.Plans ?? []).reduce(
    (n, child) => n + (child['Actual Rows'] ?? 0) * (child['Actual Loops'] ?? 1),
    0,
  );
  if (node['Node Type'] === 'Sort' && sorted > 2 * LIMIT * (node['Actual Loops'] ?? 1)) {
    found.push(`a sort of ${sorted} rows`);
  }
  for (const child of node.Plans ?? []) problems(child, found);
  return found;
}

describe.skipIf(!postgresAvailable())(
  'the library list uses its indexes (PostgreSQL, 120k tracks)',
  () => {
    let database: Database;
    let drop: () => Promise<void>;
    let userId: number;
    let repository: TrackListRepository;

    beforeAll(async () => {
      ({ database, drop } = await createTestDatabase('postgres'));
      const { db } = database;
      repository = new TrackListRepository(db);
      userId = (
        await db
          .insertInto('app_user')
          .values({ username: 'heavy' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const other = (
        await db
          .insertInto('app_user')
          .values({ username: 'other' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await sql`INSERT INTO artist (name, sort_name) SELECT 'Artist ' || i, 'artist ' || i FROM generate_series(1, 3000) i`.execute(
        db,
      );
      await sql`INSERT INTO album (name, sort_name, artist_id)
      SELECT 'Album ' || i, 'album ' || i, 1 + i % 3000 FROM generate_series(1, 12000) i`.execute(
        db,
      );
      await sql`INSERT INTO track (spotify_id, name, sort_name, artist_id, album_id, duration_ms)
      SELECT 'guard' || i, 'Track ' || i, 'track ' || i, 1 + i % 3000,
        CASE WHEN i % 50 = 0 THEN NULL ELSE 1 + i % 12000 END,
        CASE WHEN i % 40 = 0 THEN NULL ELSE 120000 + i % 200000 END
      FROM generate_series(1, ${TRACKS}) i`.execute(db);
      await sql`INSERT INTO track_artist (track_id, position, artist_id) SELECT id, 0, artist_id FROM track`.execute(
        db,
      );
      for (const user of [userId, other]) {
        await sql`INSERT INTO user_track (user_id, track_id, added_at, liked, rating, title_sort, artist_sort, album_sort, duration_ms)
        SELECT ${user}, t.id, timestamptz '2016-01-01' + t.id * interval '37 minutes', t.id % 3 = 0,
          CASE WHEN t.id % 3 = 1 THEN t.id % 11 END, t.sort_name, a.sort_name, al.sort_name, t.duration_ms
        FROM track t JOIN artist a ON a.id = t.artist_id LEFT JOIN album al ON al.id = t.album_id`.execute(
          db,
        );
        await sql`INSERT INTO user_track_stats (user_id, user_track_id, play_count, ms_played, last_played_at)
        SELECT user_id, id, CASE WHEN id % 5 = 0 THEN 0 ELSE id % 97 END, (id % 97) * 200000,
          CASE WHEN id % 5 = 0 THEN NULL ELSE timestamptz '2020-01-01' + id * interval '11 minutes' END
        FROM user_track WHERE user_id = ${user}`.execute(db);
      }
      await db
        .insertInto('tag')
        .values({ user_id: userId, name: 'Chill', name_key: 'chill', sort_key: 'chill' })
        .execute();
      await sql`INSERT INTO track_tag (user_id, user_track_id, tag_id)
      SELECT ut.user_id, ut.id, g.id FROM user_track ut JOIN tag g ON g.user_id = ut.user_id
      WHERE ut.user_id = ${userId} AND ut.id % 20 = 0`.execute(db);
      await sql`INSERT INTO genre (name, sort_name) VALUES ('dream pop', 'dream pop')`.execute(db);
      await sql`INSERT INTO artist_genre (artist_id, genre_id, source) SELECT id, 1, 'spotify' FROM artist WHERE id % 10 = 0`.execute(
        db,
      );
      // Users' own genre edits: some artists gain one, some lose Spotify's.
      await sql`INSERT INTO genre (name, sort_name) VALUES ('nu gaze', 'nu gaze')`.execute(db);
      for (const user of [userId, other]) {
        await sql`INSERT INTO user_artist_genre (user_id, artist_id, genre_id, assigned)
        SELECT ${user}, id, CASE WHEN id % 30 = 0 THEN 1 ELSE 2 END, id % 30 <> 0
        FROM artist WHERE id % 7 = 0 OR id % 30 = 0`.execute(db);
      }
      // ...and many other users' edits, so one user's are the small part they are in life
      await sql`INSERT INTO app_user (username) SELECT 'editor' || i FROM generate_series(1, 60) i`.execute(
        db,
      );
      await sql`INSERT INTO user_artist_genre (user_id, artist_id, genre_id, assigned)
        SELECT u.id, a.id, 2, true FROM app_user u CROSS JOIN artist a
        WHERE u.username LIKE 'editor%' AND a.id % 7 = 0`.execute(db);
      await new AggregatesAuditRepository(db).rebuild(userId);
      await new AggregatesAuditRepository(db).rebuild(other);
      const playlist = (
        await db
          .insertInto('playlist')
          .values({ user_id: userId, name: 'Long' })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      await sql`INSERT INTO playlist_track (user_id, playlist_id, user_track_id, position)
        SELECT user_id, ${playlist}, id, lpad(id::text, 10, '0') FROM user_track
        WHERE user_id = ${userId} AND id % 4 = 0`.execute(db);
      await sql`ANALYZE`.execute(db);
    }, 120_000);

    afterAll(() => drop?.());

    /** The position at a depth of a sort's order, found by OFFSET (slow, but independent). */
    async function positionAt(sort: TrackSort, order: 'asc' | 'desc', depth: number) {
      const keys = ORDER_KEYS[sort];
      const { rows } = await sql<{ id: number; keys: (string | null)[] }>`
      SELECT ut.id, ARRAY[${sql.join(keys.map((k) => sql`${sql.raw(k)}::text`))}] AS keys
      FROM user_track ut JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${userId}
      ORDER BY ${sql.raw(keys[0]!)} IS NULL, ${sql.raw(keys.map((k) => `${k} ${order}`).join(', '))}, ut.id ${sql.raw(order)}
      OFFSET ${depth - 1} LIMIT 1`.execute(database.db);
      const row = rows[0]!;
      return row.keys[0] === null
        ? { phase: 1 as const, keys: [], id: row.id }
        : { phase: 0 as const, keys: row.keys.map(String), id: row.id };
    }

    async function problemsOf(compiled: { sql: string; parameters: readonly unknown[] }) {
      const { rows } = await database.executeSql(`EXPLAIN (ANALYZE, FORMAT JSON) ${compiled.sql}`, [
        ...compiled.parameters,
      ]);
      const [{ Plan: plan }] = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'];
      return problems(plan);
    }

    async function explain(
      sort: TrackSort,
      order: 'asc' | 'desc',
      after?: TrackPosition,
      filters?: TrackFilters,
    ) {
      const query = repository
        .pageQuery(userId, { sort, order, limit: LIMIT, after, filters })
        .compile();
      const { rows } = await database.executeSql(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, [
        ...query.parameters,
      ]);
      const [{ Plan: plan }] = (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'];
      return problems(plan);
    }

    const cases = TRACK_SORTS.flatMap((sort) =>
      (['asc', 'desc'] as const).flatMap((order) =>
        [0, 10_000, 90_000, 119_000].map((depth) => [sort, order, depth] as const),
      ),
    );

    it.each(cases)('%s %s at depth %i', async (sort, order, depth) => {
      const after = depth > 0 ? await positionAt(sort, order, depth) : undefined;
      expect(await explain(sort, order, after)).toEqual([]);
    });

    it.each<[string, TrackFilters]>([
      ['liked', { liked: true }],
      ['rated', { rated: true }],
      ['unrated', { rated: false }],
      ['never played', { played: false }],
      ['a tag', { tagIds: [1] }],
      ['a genre', { genre: 'dream pop' }],
      ['an artist', { artistId: 7 }],
      ['an album', { albumId: 7 }],
      ['a search', { words: ['track 1234'] }],
    ])('filtered by %s', async (_name, filters) => {
      for (const sort of ['added', 'plays'] as const) {
        expect(await explain(sort, 'desc', undefined, filters), sort).toEqual([]);
      }
    });

    // Smart playlist rules are the list's filters too: the same walk of the sort's index.
    const rules = (rulesOf: RuleNode[], limit?: SmartLimit): TrackFilters => ({
      where: compileSelection(
        { match: 'all', rules: rulesOf, limit },
        // the newest track was added in June 2024
        { userId, now: new Date('2024-06-10T00:00:00Z'), zone: 'Europe/Berlin' },
        1,
      ),
    });
    it.each<[string, RuleNode[]]>([
      ['liked', [{ field: 'LIKED', operator: 'EQUALS', value: true }]],
      ['rated 4 and up', [{ field: 'RATING', operator: 'GREATER_EQUAL', value: 4 }]],
      [
        'added in the last 90 days',
        [{ field: 'ADDED_AT', operator: 'IN_THE_LAST', value: { amount: 90, unit: 'days' } }],
      ],
      ['a tag', [{ field: 'TAG', operator: 'EQUALS', value: 'chill' }]],
      ['a genre', [{ field: 'GENRE', operator: 'EQUALS', value: 'dream pop' }]],
      ['a name', [{ field: 'TRACK_NAME', operator: 'CONTAINS', value: 'track 1' }]],
      // Not here: IN_PLAYLIST reads the named playlist once, hashed (bounded by that playlist,
      // a quarter of this library), rather than probing it per track.
    ])('a smart playlist rule: %s', async (_name, rulesOf) => {
      for (const sort of ['added', 'plays', 'last_played'] as const) {
        expect(await explain(sort, 'desc', undefined, rules(rulesOf)), sort).toEqual([]);
      }
    });

    it('selects a limit off the index of its order', async () => {
      for (const selectBy of ['most_played', 'most_recently_added', 'name'] as const) {
        const limited = rules([], { count: 100, unit: 'tracks', selectBy });
        expect(await explain('added', 'desc', undefined, limited), selectBy).toEqual([]);
      }
    });

    describe.each(['artists', 'albums'] as const)('browsing %s', (kind) => {
      const browse = () => new BrowseRepository(database.db);
      it.each(['plays', 'time', 'tracks', 'name'] as const)(
        'by %s, both ways, first and deep',
        async (sort) => {
          for (const order of ['asc', 'desc'] as const) {
            const first = await browse().page(userId, kind, { sort, order, limit: 2000 });
            for (const after of [undefined, first.at(-1)!.position]) {
              const query = browse().pageQuery(userId, kind, { sort, order, limit: LIMIT, after });
              const where = `${order} ${after ? 'deep' : 'first'}`;
              expect(await problemsOf(query.compile(database.db)), where).toEqual([]);
            }
          }
        },
      );
    });

    it('pages a playlist on its positions', async () => {
      const playlists = new PlaylistsRepository(database.db);
      const { id } = await database.db
        .selectFrom('playlist')
        .select('id')
        .executeTakeFirstOrThrow();
      const deep = (await playlists.entries(userId, id, 20_000)).at(-1)!.position;
      for (const after of [undefined, deep]) {
        const query = playlists.entriesQuery(userId, id, LIMIT, after);
        expect(await problemsOf(query.compile())).toEqual([]);
      }
    });
  },
);
