import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { numberArray } from '../db/array-literal.js';
import { PREPARED } from '../db/prepared-statements.js';
import { StatementCache } from '../db/statement-cache.js';
import type { DB } from '../db/schema.js';
import { compareCodeUnits, likeLiteral } from '../db/sort-key.js';
import { genreIdsOfArtist, genresOfArtist } from './user-artist-genres.js';

/** One track of a user's library as every list shows it. */
export interface TrackItem {
  id: number;
  name: string;
  durationMs: number | null;
  album: { id: number; name: string; imageUrl: string | null } | null;
  artists: { id: number; name: string }[];
  tags: { id: number; name: string; color: string | null }[];
  genres: string[];
  /** half stars as stars: 0..5 in steps of 0.5 */
  rating: number | null;
  playCount: number;
  lastPlayedAt: Date | null;
  addedAt: Date;
  liked: boolean;
}

/** The page sizes a page is read in (then cut to the size asked), so prepared texts stay few. */
const FETCH_SIZES = [11, 26, 51, 101];

/** Every order the library list offers. */
export const TRACK_SORTS = [
  'added',
  'plays',
  'last_played',
  'rating',
  'name',
  'artist',
  'album',
  'duration',
] as const;
export type TrackSort = (typeof TRACK_SORTS)[number];

type KeyType = 'timestamptz' | 'int' | 'text';

/**
 * Each sort: its key columns (the index's, after user_id) and the id that
 * breaks ties. A nullable key pages in two phases, its non-NULL rows then its
 * NULL rows by id, so NULLs come last in either direction from one index.
 */
const SORTS: Record<
  TrackSort,
  {
    /** the table whose index the sort walks: user_track or its counters */
    table: 'ut' | 's';
    keys: { sql: RawBuilder<unknown>; type: KeyType }[];
    id: RawBuilder<unknown>;
    nullable: boolean;
  }
> = {
  added: {
    table: 'ut',
    keys: [{ sql: sql`ut.added_at`, type: 'timestamptz' }],
    id: sql`ut.id`,
    nullable: false,
  },
  plays: {
    table: 's',
    keys: [{ sql: sql`s.play_count`, type: 'int' }],
    id: sql`s.user_track_id`,
    nullable: false,
  },
  last_played: {
    table: 's',
    keys: [{ sql: sql`s.last_played_at`, type: 'timestamptz' }],
    id: sql`s.user_track_id`,
    nullable: true,
  },
  rating: {
    table: 'ut',
    keys: [{ sql: sql`ut.rating`, type: 'int' }],
    id: sql`ut.id`,
    nullable: true,
  },
  name: {
    table: 'ut',
    keys: [{ sql: sql`ut.title_sort`, type: 'text' }],
    id: sql`ut.id`,
    nullable: false,
  },
  artist: {
    table: 'ut',
    keys: [
      { sql: sql`ut.artist_sort`, type: 'text' },
      { sql: sql`coalesce(ut.album_sort, '')`, type: 'text' },
    ],
    id: sql`ut.id`,
    nullable: false,
  },
  album: {
    table: 'ut',
    keys: [{ sql: sql`ut.album_sort`, type: 'text' }],
    id: sql`ut.id`,
    nullable: true,
  },
  duration: {
    table: 'ut',
    keys: [{ sql: sql`ut.duration_ms`, type: 'int' }],
    id: sql`ut.id`,
    nullable: true,
  },
};

export interface TrackFilters {
  /** tracks carrying every one of these tags */
  tagIds?: number[] | undefined;
  /** tracks with an artist of this genre */
  genre?: string | undefined;
  /** tracks this artist is credited on */
  artistId?: number | undefined;
  albumId?: number | undefined;
  rated?: boolean | undefined;
  liked?: boolean | undefined;
  played?: boolean | undefined;
  /** words every one of which appears in the track's, artist's or album's name (sort keys) */
  words?: string[] | undefined;
  /** a condition on `ut` and, when it reads them, its counters `s` (a smart playlist's rules) */
  where?: { where: RawBuilder<SqlBool>; readsStats: boolean } | undefined;
}

/** Where a page ends: its phase (0 non-NULL keys, 1 NULL keys), the keys and the id. */
export interface TrackPosition {
  phase: 0 | 1;
  keys: (string | number)[];
  id: number;
}

export interface TrackPageQuery {
  sort: TrackSort;
  order: 'asc' | 'desc';
  limit: number;
  after?: TrackPosition | undefined;
  filters?: TrackFilters | undefined;
}

export interface TrackRow extends TrackItem {
  /** this row as a position to page on from */
  position: TrackPosition;
}

/**
 * Pages of a user's library in one statement, for every sort: the page's
 * ids come off the sort's keyset index first (each phase a LIMIT subquery),
 * then only those rows are joined to album, counters, credits, tags and
 * genres, so a page costs the same at any depth and whatever its size.
 */
@Injectable()
export class TrackListRepository {
  private readonly statements = new StatementCache();
  /** Genres by id: a genre row never changes, and a catalog has a few thousand at most. */
  private readonly genres = new Map<number, GenreName>();

  constructor(private readonly db: Kysely<DB>) {}

  async page(userId: number, query: TrackPageQuery): Promise<TrackRow[]> {
    const fetched = FETCH_SIZES.find((size) => size >= query.limit) ?? query.limit;
    const sized = { ...query, limit: fetched };
    const rows = isFiltered(query.filters)
      ? await this.pageQuery(userId, sized).execute()
      : await this.openedPage(userId, sized);
    const page = rows.slice(0, query.limit);
    const names = await this.namesOfGenres(page);
    return page.map((row) => toRow(row, SORTS[query.sort].keys.length, names));
  }

  /** The library as opened: its statement is compiled once per sort, order, size and phase. */
  private openedPage(userId: number, query: TrackPageQuery) {
    const { sort, order, limit, after } = query;
    const keys = after?.phase === 0 ? after.keys : [];
    const shape = `tracks:${sort}:${order}:${limit}:${after ? `${after.phase}:${keys.length}` : ''}`;
    return this.statements.execute(this.db, shape, { userId, keys, id: after?.id }, (v) =>
      this.pageQuery(v.userId, {
        sort,
        order,
        limit,
        after: after && { phase: after.phase, keys: v.keys, id: v.id! },
      }),
    );
  }

  /**
   * The position after the first `depth` tracks of a sort, found by OFFSET
   * (slow on purpose): where the benchmark starts its deep pages.
   */
  async positionAt(
    userId: number,
    query: Pick<TrackPageQuery, 'sort' | 'order'>,
    depth: number,
  ): Promise<TrackPosition> {
    const sort = SORTS[query.sort];
    const direction = sql.raw(query.order);
    const { rows } = await sql<{ id: number; keys: string[]; phase: number }>`
      SELECT ${sort.id} AS id, ARRAY[${sql.join(sort.keys.map((k) => sql`${k.sql}::text`))}] AS keys,
        CASE WHEN ${sort.keys[0]!.sql} IS NULL THEN 1 ELSE 0 END AS phase
      FROM user_track ut
      JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${userId}
      ORDER BY ${sort.keys[0]!.sql} IS NULL,
        ${sql.join(sort.keys.map((k) => sql`${k.sql} ${direction}`))}, ${sort.id} ${direction}
      OFFSET ${depth - 1} LIMIT 1`.execute(this.db);
    const row = rows[0]!;
    return row.phase === 1
      ? { phase: 1, keys: [], id: row.id }
      : { phase: 0, keys: row.keys, id: row.id };
  }

  /**
   * The statement itself: the benchmark runs it through the bare driver as
   * the ceiling. The library as opened (no filter) is a prepared statement:
   * its texts are few (sort, order, phase, a page size of FETCH_SIZES) and
   * its plan is the same for every user; a filter's best plan depends on
   * what it keeps, so filtered pages are planned each time.
   */
  pageQuery(userId: number, query: TrackPageQuery) {
    const sort = SORTS[query.sort];
    const direction = sql.raw(query.order);
    const keyColumns = sort.keys.map((_, i) => sql.ref(`p.k${i}`));
    return this.details(userId, sql`(${this.phases(userId, query)})`, keyColumns)
      .orderBy(sql`p.phase`)
      .$call((qb) => keyColumns.reduce((q, k) => q.orderBy(sql`${k} ${direction}`), qb))
      .orderBy(sql`p.id ${direction}`)
      .$if(!isFiltered(query.filters), (qb) => qb.modifyEnd(PREPARED));
  }

  /** The user's tracks of these ids, by id (any other id is left out): a playlist's page. */
  async itemsByIds(userId: number, ids: readonly number[]): Promise<Map<number, TrackItem>> {
    if (ids.length === 0) return new Map();
    const rows = await this.statements.execute(
      this.db,
      'items',
      { userId, ids: numberArray(ids) },
      // prepared: planning it took as long as running it (1.5 of 3.2 ms, a 50-entry playlist page)
      (v) =>
        this.details(
          v.userId,
          sql`(SELECT DISTINCT unnest(${v.ids}::bigint[]) AS id, 0 AS phase)`,
          [],
        ).modifyEnd(PREPARED),
    );
    const names = await this.namesOfGenres(rows);
    return new Map(rows.map((row) => [row.id, toItem(row, names)]));
  }

  /** The genres on these rows' artists; read from the database only when new. */
  private async namesOfGenres(rows: readonly PageRow[]): Promise<ReadonlyMap<number, GenreName>> {
    const unknown = new Set<number>();
    for (const row of rows) {
      for (const artist of row.artists) {
        for (const id of artist.genre_ids) if (!this.genres.has(id)) unknown.add(id);
      }
    }
    if (unknown.size > 0) {
      const found = await this.db
        .selectFrom('genre')
        .select(['id', 'name', 'sort_name'])
        .where(sql<boolean>`id = ANY(${numberArray([...unknown])}::bigint[])`)
        .execute();
      for (const g of found) this.genres.set(g.id, { name: g.name, sortName: g.sort_name });
    }
    return this.genres;
  }

  /** The rows of `ids` (id, phase, k0..) joined to everything a list item shows. */
  private details(userId: number, ids: RawBuilder<unknown>, keyColumns: RawBuilder<unknown>[]) {
    return this.db
      .selectFrom(ids.as('p'))
      .innerJoin('user_track as ut', (j) =>
        j.on('ut.user_id', '=', userId).onRef('ut.id', '=', sql.ref('p.id')),
      )
      .innerJoin('track as t', 't.id', 'ut.track_id')
      .innerJoin('user_track_stats as s', (j) =>
        j.onRef('s.user_id', '=', 'ut.user_id').onRef('s.user_track_id', '=', 'ut.id'),
      )
      .leftJoin('album as al', 'al.id', 't.album_id')
      .select((eb) => [
        'ut.id',
        't.name',
        't.duration_ms',
        'al.id as album_id',
        'al.name as album_name',
        'al.image_url as album_image_url',
        'ut.rating',
        's.play_count',
        's.last_played_at',
        'ut.added_at',
        'ut.liked',
        sql<number>`p.phase`.as('phase'),
        // as JSON, which the driver parses natively (a text[] it parses in script)
        (keyColumns.length
          ? sql<string[]>`to_json(ARRAY[${sql.join(keyColumns.map((k) => sql`${k}::text`))}])`
          : sql<string[]>`'[]'::json`
        ).as('sort_keys'),
        jsonArrayFrom(
          eb
            .selectFrom('track_artist as ta')
            .innerJoin('artist as a', 'a.id', 'ta.artist_id')
            .select(['a.id', 'a.name', genreIdsOfArtist(userId, sql`a.id`).as('genre_ids')])
            .whereRef('ta.track_id', '=', 't.id')
            .orderBy('ta.position'),
        ).as('artists'),
        jsonArrayFrom(
          eb
            .selectFrom('track_tag as tt')
            .innerJoin('tag as g', (j) =>
              j.onRef('g.user_id', '=', 'tt.user_id').onRef('g.id', '=', 'tt.tag_id'),
            )
            .select(['g.id', 'g.name', 'g.color'])
            .whereRef('tt.user_id', '=', 'ut.user_id')
            .whereRef('tt.user_track_id', '=', 'ut.id')
            .orderBy('g.name_key'),
        ).as('tags'),
      ]);
  }

  /** The page's ids, from the non-NULL keys and then (nullable sorts) the NULL ones. */
  private phases(userId: number, query: TrackPageQuery): RawBuilder<unknown> {
    const sort = SORTS[query.sort];
    const { after, order, limit } = query;
    const direction = sql.raw(order);
    const beyond = sql.raw(order === 'desc' ? '<' : '>');
    // a literal: a prepared statement's plan is then made for this page size
    const pageSize = sql.lit(limit);
    const keyTuple = sql.join(sort.keys.map((k) => k.sql));
    const selectKeys = sql.join(sort.keys.map((k, i) => sql`${k.sql} AS ${sql.ref(`k${i}`)}`));
    const filters = query.filters ?? {};
    const base = (phase: 0 | 1, conditions: RawBuilder<unknown>[]) => sql`
      SELECT ${sort.id} AS id, ${sql.lit(phase)} AS phase, ${selectKeys}
      FROM ${sort.table === 'ut' ? sql`user_track ut` : sql`user_track_stats s`}
      ${otherTable(sort.table, filters)}
      WHERE ${sql.ref(`${sort.table}.user_id`)} = ${userId}
        AND ${sql.join([...filterConditions(userId, sort.id, filters), ...conditions], sql` AND `)}`;
    const valuePhase =
      after?.phase === 1
        ? null
        : sql`(${base(0, [
            ...(sort.nullable ? [sql`${sort.keys[0]!.sql} IS NOT NULL`] : []),
            ...(after
              ? [
                  sql`(${keyTuple}, ${sort.id}) ${beyond} (${sql.join(
                    after.keys.map((v, i) => sql`${v}::${sql.raw(sort.keys[i]!.type)}`),
                  )}, ${after.id})`,
                ]
              : []),
          ])}
          ORDER BY ${sql.join(sort.keys.map((k) => sql`${k.sql} ${direction}`))}, ${sort.id} ${direction}
          LIMIT ${pageSize})`;
    const nullPhase = sort.nullable
      ? sql`(${base(1, [
          sql`${sort.keys[0]!.sql} IS NULL`,
          ...(after?.phase === 1 ? [sql`${sort.id} ${beyond} ${after.id}`] : []),
        ])}
        -- the (NULL) key first, as the index orders: IS NULL is not an equality, so the
        -- planner would not otherwise see the id order in the index and might sort
        ORDER BY ${sort.keys[0]!.sql} ${direction}, ${sort.id} ${direction} LIMIT ${pageSize})`
      : null;
    if (!valuePhase || !nullPhase) return valuePhase ?? nullPhase!;
    // the page's rows only (the NULL phase's fill a page the other leaves short) before the joins
    const keys = sort.keys.map((_, i) => sql`${sql.ref(`k${i}`)} ${direction}`);
    return sql`SELECT * FROM (${valuePhase} UNION ALL ${nullPhase}) u
      ORDER BY phase, ${sql.join(keys)}, id ${direction} LIMIT ${pageSize}`;
  }
}

function isFiltered(filters: TrackFilters | undefined): boolean {
  return Object.values(filters ?? {}).some((value) => value !== undefined);
}

/**
 * The other of user_track and its counters, when a filter reads it: one
 * index probe per row the page walks (OFFSET 0 keeps the subquery a
 * subquery). Left to itself the planner may merge-join it from the user's
 * first row, reading the whole library for a page deep in it.
 */
function otherTable(walked: 'ut' | 's', filters: TrackFilters): RawBuilder<unknown> {
  const readsTrack =
    filters.genre !== undefined ||
    filters.artistId !== undefined ||
    filters.albumId !== undefined ||
    filters.rated !== undefined ||
    filters.liked !== undefined ||
    filters.where !== undefined ||
    (filters.words?.length ?? 0) > 0;
  // A filter that keeps a few rows (an artist, an album, a search) is better driven from
  // its own index, the few rows then sorted: there the planner chooses.
  const selective =
    filters.artistId !== undefined ||
    filters.albumId !== undefined ||
    (filters.words?.length ?? 0) > 0;
  if (walked === 's' && readsTrack && selective) {
    return sql`JOIN user_track ut ON ut.user_id = s.user_id AND ut.id = s.user_track_id`;
  }
  if (walked === 's' && readsTrack) {
    return sql`CROSS JOIN LATERAL (SELECT * FROM user_track u
      WHERE u.user_id = s.user_id AND u.id = s.user_track_id OFFSET 0) ut`;
  }
  if (walked === 'ut' && (filters.played !== undefined || filters.where?.readsStats)) {
    return sql`CROSS JOIN LATERAL (SELECT c.* FROM user_track_stats c
      WHERE c.user_id = ut.user_id AND c.user_track_id = ut.id OFFSET 0) s`;
  }
  return sql``;
}

/** The filters as conditions on ut (user_track) and s (its counters); `id` is the page's track id. */
function filterConditions(
  userId: number,
  id: RawBuilder<unknown>,
  filters: TrackFilters,
): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`true`];
  if (filters.tagIds?.length) {
    conditions.push(sql`(SELECT count(*) FROM track_tag tt WHERE tt.user_id = ${userId}
      AND tt.user_track_id = ${id} AND tt.tag_id = ANY(${numberArray(filters.tagIds)}::bigint[]))
      = ${filters.tagIds.length}`);
  }
  if (filters.genre !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM track_artist ta
      CROSS JOIN LATERAL ${genresOfArtist(userId, sql`ta.artist_id`)} ag
      JOIN genre g ON g.id = ag.genre_id
      WHERE ta.track_id = ut.track_id AND g.name = ${filters.genre})`);
  }
  if (filters.artistId !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM track_artist ta
      WHERE ta.track_id = ut.track_id AND ta.artist_id = ${filters.artistId})`);
  }
  if (filters.albumId !== undefined) {
    conditions.push(sql`EXISTS (SELECT 1 FROM track t
      WHERE t.id = ut.track_id AND t.album_id = ${filters.albumId})`);
  }
  if (filters.rated !== undefined) {
    conditions.push(filters.rated ? sql`ut.rating IS NOT NULL` : sql`ut.rating IS NULL`);
  }
  if (filters.liked !== undefined) conditions.push(sql`ut.liked = ${filters.liked}`);
  if (filters.played !== undefined) {
    conditions.push(filters.played ? sql`s.play_count > 0` : sql`s.play_count = 0`);
  }
  if (filters.where) conditions.push(filters.where.where);
  for (const word of filters.words ?? []) {
    conditions.push(sql`(ut.title_sort || ' ' || ut.artist_sort || ' ' || coalesce(ut.album_sort, ''))
      LIKE ${`%${likeLiteral(word)}%`}`);
  }
  return conditions;
}

type PageRow = Awaited<ReturnType<ReturnType<TrackListRepository['pageQuery']>['execute']>>[number];

function toRow(r: PageRow, keyCount: number, genres: ReadonlyMap<number, GenreName>): TrackRow {
  return {
    ...toItem(r, genres),
    position: {
      phase: r.phase === 1 ? 1 : 0,
      keys: r.sort_keys.slice(0, keyCount).map(String),
      id: r.id,
    },
  };
}

function toItem(r: PageRow, genres: ReadonlyMap<number, GenreName>): TrackItem {
  return {
    id: r.id,
    name: r.name,
    durationMs: r.duration_ms,
    album:
      r.album_id === null
        ? null
        : { id: r.album_id, name: r.album_name!, imageUrl: r.album_image_url },
    artists: r.artists.map(({ id, name }) => ({ id, name })),
    tags: r.tags,
    genres: genresOf(r.artists, genres),
    rating: r.rating === null ? null : r.rating / 2,
    playCount: r.play_count,
    lastPlayedAt: r.last_played_at,
    addedAt: r.added_at,
    liked: r.liked,
  };
}

interface GenreName {
  name: string;
  /** the normalised sort key (db/sort-key.ts), as genre lists sort */
  sortName: string;
}

/** The distinct names of the artists' genres, ordered by sort key as every genre list is. */
function genresOf(
  artists: readonly { genre_ids: number[] }[],
  genres: ReadonlyMap<number, GenreName>,
): string[] {
  const found = new Map<string, GenreName>();
  for (const artist of artists) {
    for (const id of artist.genre_ids) {
      const genre = genres.get(id);
      if (genre) found.set(genre.name, genre);
    }
  }
  return [...found.values()].sort(byKey).map((genre) => genre.name);
}

/** By sort key, then name: one order on both engines. */
function byKey(a: GenreName, b: GenreName): number {
  return compareCodeUnits(a.sortName, b.sortName) || compareCodeUnits(a.name, b.name);
}
