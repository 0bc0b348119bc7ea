import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { withArtistGenres } from '../library/user-artist-genres.js';
import { LABEL_TABLES } from './label-stats.js';

export type TopKind = 'tracks' | 'artists' | 'albums' | 'genres' | 'tags';
export type Step = 'day' | 'week' | 'month';

/** Where a period's figures come from. */
export interface PeriodPlan {
  /** all time: the aggregates answer top lists */
  allTime: boolean;
  /** all time and the user's tag and genre figures hold: they answer top tags and genres */
  labelStats?: { tags: boolean; genres: boolean } | undefined;
  /** whole local months [first, end) the month rollups give ('-infinity' / 'infinity' when open) */
  months?: { first: string; end: string } | undefined;
  /** whole local hours [first, end) the hour rollup gives */
  hours?: { first: string; end: string } | undefined;
  /** the whole period as instants [from, to) (null: open) */
  range: Edge;
  /** instants [from, to) read from the plays themselves, for the month plan */
  monthEdges: Edge[];
  /** the same for the hour plan */
  hourEdges: Edge[];
}

export interface Edge {
  from: Date | null;
  to: Date | null;
}

/** A bound of a period: a day in the user's zone, or an instant. */
export type PeriodBound = { date: string } | { instant: Date };

export interface TopRow {
  id: number;
  name: string;
  plays: number;
  msPlayed: number;
  artist?: { id: number; name: string };
  color?: string | null;
}

export interface PeriodRow {
  period: string;
  plays: number;
  msPlayed: number;
}

export interface HeatmapCell {
  weekday: number;
  hour: number;
  plays: number;
  msPlayed: number;
}

const TOTALS_ORDER = {
  plays: sql`plays DESC, id DESC`,
  time: sql`ms_played DESC, id DESC`,
};

/**
 * Listening statistics over a period: the whole local months or hours of it
 * from the rollups, its ragged ends from the plays, all time from the
 * aggregates. One statement per answer; every part scoped by the user.
 */
@Injectable()
export class StatsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Splits [from, to) (null: open) into what the rollups keyed in `zone`
   * hold whole and the edges to read from the plays. The instants are
   * returned too, to check the order of the bounds.
   */
  async plan(zone: string, fromBound?: PeriodBound, toBound?: PeriodBound) {
    const from = fromBound && boundSql(fromBound, zone, 'from');
    const to = toBound && boundSql(toBound, zone, 'to');
    const { rows } = await sql<{
      from_at: Date | null;
      to_at: Date | null;
      month_first: string;
      month_end: string;
      month_first_at: Date | null;
      month_end_at: Date | null;
      hour_first: string;
      hour_end: string;
      hour_first_at: Date | null;
      hour_end_at: Date | null;
    }>`
      WITH b AS (
        SELECT ${from ?? sql`NULL::timestamptz`} AS from_at, ${to ?? sql`NULL::timestamptz`} AS to_at
      ), l AS (
        SELECT from_at, to_at, from_at AT TIME ZONE ${zone} AS lf, to_at AT TIME ZONE ${zone} AS lt FROM b
      ), g AS (
        SELECT from_at, to_at,
          CASE WHEN lf IS NULL THEN '-infinity'::timestamp WHEN lf = date_trunc('month', lf) THEN lf
            ELSE date_trunc('month', lf) + interval '1 month' END AS month_first,
          coalesce(date_trunc('month', lt), 'infinity'::timestamp) AS month_end,
          CASE WHEN lf IS NULL THEN '-infinity'::timestamp WHEN lf = date_trunc('hour', lf) THEN lf
            ELSE date_trunc('hour', lf) + interval '1 hour' END AS hour_first,
          coalesce(date_trunc('hour', lt), 'infinity'::timestamp) AS hour_end
        FROM l
      )
      SELECT from_at, to_at,
        month_first::text AS month_first, month_end::text AS month_end,
        CASE WHEN isfinite(month_first) THEN month_first AT TIME ZONE ${zone} END AS month_first_at,
        CASE WHEN isfinite(month_end) THEN month_end AT TIME ZONE ${zone} END AS month_end_at,
        hour_first::text AS hour_first, hour_end::text AS hour_end,
        CASE WHEN isfinite(hour_first) THEN hour_first AT TIME ZONE ${zone} END AS hour_first_at,
        CASE WHEN isfinite(hour_end) THEN hour_end AT TIME ZONE ${zone} END AS hour_end_at
      FROM g`.execute(this.db);
    const r = rows[0]!;
    const split = (first: string, end: string, firstAt: Date | null, endAt: Date | null) => {
      const whole =
        first === '-infinity' || end === 'infinity' || (firstAt && endAt && firstAt < endAt);
      if (!whole) return { edges: [{ from: r.from_at, to: r.to_at }] };
      const edges: Edge[] = [];
      if (r.from_at && firstAt && r.from_at < firstAt) edges.push({ from: r.from_at, to: firstAt });
      if (r.to_at && endAt && endAt < r.to_at) edges.push({ from: endAt, to: r.to_at });
      return { whole: { first, end }, edges };
    };
    const months = split(r.month_first, r.month_end, r.month_first_at, r.month_end_at);
    const hours = split(r.hour_first, r.hour_end, r.hour_first_at, r.hour_end_at);
    return {
      fromAt: r.from_at,
      toAt: r.to_at,
      plan: {
        allTime: !from && !to,
        range: { from: r.from_at, to: r.to_at },
        months: months.whole,
        hours: hours.whole,
        monthEdges: months.edges,
        hourEdges: hours.edges,
      } satisfies PeriodPlan,
    };
  }

  /** The top entities of a period by plays or by listening time. */
  async top(
    userId: number,
    kind: TopKind,
    plan: PeriodPlan,
    by: 'plays' | 'time',
    limit: number,
  ): Promise<TopRow[]> {
    const totals = this.totals(userId, kind, plan);
    const named = NAMES[kind](userId);
    const { rows } = await sql<{
      id: number;
      name: string;
      plays: number;
      ms_played: number;
      artist_id: number | null;
      artist_name: string | null;
      color: string | null;
    }>`
      WITH totals AS (${totals})
      SELECT x.id, x.plays::int AS plays, x.ms_played::bigint AS ms_played, ${named.columns}
      FROM (SELECT * FROM totals WHERE ${by === 'plays' ? sql`plays > 0` : sql`ms_played > 0`}
            ORDER BY ${TOTALS_ORDER[by]} LIMIT ${limit}) x
      ${named.joins}
      ORDER BY ${TOTALS_ORDER[by]}`.execute(this.db);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      plays: r.plays,
      msPlayed: r.ms_played,
      ...(r.artist_id !== null && r.artist_name !== null
        ? { artist: { id: r.artist_id, name: r.artist_name } }
        : {}),
      ...(kind === 'tags' ? { color: r.color } : {}),
    }));
  }

  /** Plays and time per local day, week (from Monday) or month of a period. */
  async listeningTime(
    userId: number,
    zone: string,
    plan: PeriodPlan,
    step: Step,
  ): Promise<PeriodRow[]> {
    const { rows } = await sql<PeriodRow>`
      SELECT date_trunc(${step}, hour)::date::text AS period, sum(plays)::int AS plays,
        sum(ms_played)::bigint AS "msPlayed"
      FROM (${this.hourTotals(userId, zone, plan)}) h
      GROUP BY 1 HAVING sum(plays) > 0 OR sum(ms_played) > 0 ORDER BY 1`.execute(this.db);
    return rows;
  }

  /** Plays and time per weekday (1 Monday .. 7 Sunday) and local hour of a period. */
  async heatmap(userId: number, zone: string, plan: PeriodPlan): Promise<HeatmapCell[]> {
    const { rows } = await sql<HeatmapCell>`
      SELECT extract(isodow FROM hour)::int AS weekday, extract(hour FROM hour)::int AS hour,
        sum(plays)::int AS plays, sum(ms_played)::bigint AS "msPlayed"
      FROM (${this.hourTotals(userId, zone, plan)}) h
      GROUP BY 1, 2 HAVING sum(plays) > 0 OR sum(ms_played) > 0 ORDER BY 1, 2`.execute(this.db);
    return rows;
  }

  /** An artist of the user's library: all-time figures and rank by plays. */
  async artistSummary(userId: number, artistId: number) {
    const { rows } = await sql<{
      id: number;
      name: string;
      plays: number;
      ms_played: number;
      track_count: number;
      last_played_at: Date | null;
      rank: number;
    }>`
      SELECT a.id, a.name, g.play_count AS plays, g.ms_played, g.track_count, g.last_played_at,
        1 + (SELECT count(*) FROM user_artist o
             WHERE o.user_id = g.user_id AND o.play_count > g.play_count)::int AS rank
      FROM user_artist g JOIN artist a ON a.id = g.artist_id
      WHERE g.user_id = ${userId} AND g.artist_id = ${artistId}
        AND (g.track_count > 0 OR g.play_count > 0 OR g.ms_played > 0)`.execute(this.db);
    return rows[0];
  }

  /** A track of the user's library: all-time figures and rank by plays. */
  async trackSummary(userId: number, userTrackId: number) {
    const { rows } = await sql<{
      id: number;
      name: string;
      artist_id: number;
      artist_name: string;
      plays: number;
      ms_played: number;
      skips: number;
      last_played_at: Date | null;
      rank: number;
    }>`
      SELECT ut.id, t.name, a.id AS artist_id, a.name AS artist_name, s.play_count AS plays,
        s.ms_played, s.skip_count AS skips, s.last_played_at,
        1 + (SELECT count(*) FROM user_track_stats o
             WHERE o.user_id = s.user_id AND o.play_count > s.play_count)::int AS rank
      FROM user_track ut
      JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      JOIN track t ON t.id = ut.track_id JOIN artist a ON a.id = t.artist_id
      WHERE ut.user_id = ${userId} AND ut.id = ${userTrackId}`.execute(this.db);
    return rows[0];
  }

  /**
   * When one artist's or track's first play (skips aside) happened. For an
   * artist with usable rollups, the first month with plays bounds the search
   * to one month's partitions; otherwise the entity's plays are read by key.
   */
  async firstPlayedAt(
    userId: number,
    zone: string,
    rollupsUsable: boolean,
    of: EntityOf,
  ): Promise<Date | null> {
    const tracks = tracksOf(userId, of);
    const { rows } = await sql<{ first: Date | null }>`${
      rollupsUsable && 'artistId' in of
        ? sql`
          WITH m AS (
            SELECT min(month)::timestamp AS month FROM user_artist_month
            WHERE user_id = ${userId} AND artist_id = ${of.artistId} AND plays > 0
          ), b AS (
            SELECT month AT TIME ZONE ${zone} AS from_at,
              (month + interval '1 month') AT TIME ZONE ${zone} AS to_at FROM m
          )
          SELECT min(p.played_at) AS first FROM b CROSS JOIN LATERAL (
            SELECT user_track_id, played_at FROM play_history
            WHERE user_id = ${userId} AND played_at >= b.from_at AND played_at < b.to_at AND NOT skipped
            UNION ALL
            SELECT user_track_id, played_at FROM play_history_archive
            WHERE user_id = ${userId} AND played_at >= b.from_at AND played_at < b.to_at AND NOT skipped
          ) p
          WHERE p.user_track_id IN (${tracks})`
        : sql`
          SELECT min(p.played_at) AS first FROM (${tracks}) x
          CROSS JOIN LATERAL (${playsOf(userId, sql`x.id`)}) p WHERE NOT p.skipped`
    }`.execute(this.db);
    return rows[0]?.first ?? null;
  }

  /** Plays and time per local month of one artist's or one track's plays, all time. */
  async monthsOf(
    userId: number,
    zone: string,
    rollupsUsable: boolean,
    of: EntityOf,
  ): Promise<PeriodRow[]> {
    const fromRollup = (artistId: number) => sql`
      SELECT month::text AS period, plays, ms_played AS "msPlayed" FROM user_artist_month
      WHERE user_id = ${userId} AND artist_id = ${artistId} AND (plays > 0 OR ms_played > 0)
      ORDER BY month`;
    const tracks = tracksOf(userId, of);
    const fromPlays = sql`
      SELECT date_trunc('month', p.played_at AT TIME ZONE ${zone})::date::text AS period,
        count(*) FILTER (WHERE NOT p.skipped)::int AS plays, sum(p.ms_played)::bigint AS "msPlayed"
      FROM (${tracks}) x CROSS JOIN LATERAL (${playsOf(userId, sql`x.id`)}) p
      GROUP BY 1 ORDER BY 1`;
    const { rows } = await sql<PeriodRow>`${
      rollupsUsable && 'artistId' in of ? fromRollup(of.artistId) : fromPlays
    }`.execute(this.db);
    return rows;
  }

  /** (id, plays, ms_played) per entity of the kind over the period. */
  private totals(userId: number, kind: TopKind, plan: PeriodPlan): RawBuilder<unknown> {
    if ((kind === 'tags' || kind === 'genres') && plan.allTime && plan.labelStats?.[kind]) {
      const { table, key } = LABEL_TABLES[kind];
      return sql`SELECT ${sql.ref(key)} AS id, play_count AS plays, ms_played
        FROM ${sql.table(table)} WHERE user_id = ${userId}`;
    }
    if (kind === 'genres') {
      // a CTE, so the two branches of the genre rule read the artists' totals once
      return sql`
        WITH artist_totals AS (
          SELECT id AS artist_id, plays, ms_played FROM (${this.totals(userId, 'artists', plan)}) a
        )
        SELECT genre_id AS id, sum(plays) AS plays, sum(ms_played) AS ms_played
        FROM ${withArtistGenres(userId, sql`artist_totals`)} g
        GROUP BY genre_id`;
    }
    if (kind === 'tags') {
      return sql`
        SELECT tt.tag_id AS id, sum(x.plays) AS plays, sum(x.ms_played) AS ms_played
        FROM (${this.totals(userId, 'tracks', plan)}) x
        JOIN track_tag tt ON tt.user_id = ${userId} AND tt.user_track_id = x.id
        GROUP BY tt.tag_id`;
    }
    const source = SOURCES[kind];
    if (plan.allTime) {
      return sql`SELECT ${sql.ref(source.aggregateKey)} AS id, play_count AS plays, ms_played
        FROM ${sql.table(source.aggregate)} WHERE user_id = ${userId}`;
    }
    if (source.rollup === null) {
      // No track rollup: a track's plays in a month are mostly one, so it would be as big
      // as the plays, which answer by (user_id, played_at) without a join.
      return sql`
        SELECT user_track_id AS id, count(*) FILTER (WHERE NOT skipped) AS plays,
          sum(ms_played) AS ms_played
        FROM (${playsWithin(userId, [plan.range])}) p GROUP BY user_track_id`;
    }
    const parts: RawBuilder<unknown>[] = [];
    if (plan.months) {
      parts.push(sql`
        SELECT ${sql.ref(source.key)} AS id, plays, ms_played FROM ${sql.table(source.rollup)}
        WHERE user_id = ${userId}
          AND month >= ${plan.months.first}::date AND month < ${plan.months.end}::date`);
    }
    if (plan.monthEdges.length) {
      const perTrack = sql`
        SELECT user_track_id, count(*) FILTER (WHERE NOT skipped) AS plays,
          sum(ms_played) AS ms_played
        FROM (${playsWithin(userId, plan.monthEdges)}) p GROUP BY user_track_id`;
      parts.push(sql`
        SELECT t.${sql.ref(source.key)} AS id, e.plays, e.ms_played FROM (${perTrack}) e
        JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = e.user_track_id
        JOIN track t ON t.id = ut.track_id WHERE t.${sql.ref(source.key)} IS NOT NULL`);
    }
    if (parts.length === 0)
      return sql`SELECT 0::bigint AS id, 0 AS plays, 0 AS ms_played WHERE false`;
    return sql`
      SELECT id, sum(plays) AS plays, sum(ms_played) AS ms_played
      FROM (${sql.join(parts, sql` UNION ALL `)}) p GROUP BY id`;
  }

  /** (hour, plays, ms_played) per local hour of the period. */
  private hourTotals(userId: number, zone: string, plan: PeriodPlan): RawBuilder<unknown> {
    const parts: RawBuilder<unknown>[] = [];
    if (plan.hours) {
      parts.push(sql`
        SELECT hour, plays, ms_played FROM user_hour_rollup
        WHERE user_id = ${userId}
          AND hour >= ${plan.hours.first}::timestamp AND hour < ${plan.hours.end}::timestamp`);
    }
    if (plan.hourEdges.length) {
      parts.push(sql`
        SELECT date_trunc('hour', played_at AT TIME ZONE ${zone}) AS hour,
          count(*) FILTER (WHERE NOT skipped) AS plays, sum(ms_played) AS ms_played
        FROM (${playsWithin(userId, plan.hourEdges)}) p GROUP BY 1`);
    }
    if (parts.length === 0) {
      return sql`SELECT NULL::timestamp AS hour, 0 AS plays, 0 AS ms_played WHERE false`;
    }
    return sql.join(parts, sql` UNION ALL `);
  }
}

const SOURCES = {
  tracks: {
    aggregate: 'user_track_stats',
    aggregateKey: 'user_track_id',
    rollup: null,
    key: 'user_track_id',
  },
  artists: {
    aggregate: 'user_artist',
    aggregateKey: 'artist_id',
    rollup: 'user_artist_month',
    key: 'artist_id',
  },
  albums: {
    aggregate: 'user_album',
    aggregateKey: 'album_id',
    rollup: 'user_album_month',
    key: 'album_id',
  },
} as const;

/** The columns (name, artist_id, artist_name, color) and joins that name a top list's rows. */
const NAMES: Record<
  TopKind,
  (userId: number) => { columns: RawBuilder<unknown>; joins: RawBuilder<unknown> }
> = {
  tracks: (userId) => ({
    columns: sql`t.name, a.id AS artist_id, a.name AS artist_name, NULL AS color`,
    joins: sql`JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = x.id
      JOIN track t ON t.id = ut.track_id JOIN artist a ON a.id = t.artist_id`,
  }),
  artists: () => ({
    columns: sql`a.name, NULL::bigint AS artist_id, NULL AS artist_name, NULL AS color`,
    joins: sql`JOIN artist a ON a.id = x.id`,
  }),
  albums: () => ({
    columns: sql`al.name, a.id AS artist_id, a.name AS artist_name, NULL AS color`,
    joins: sql`JOIN album al ON al.id = x.id JOIN artist a ON a.id = al.artist_id`,
  }),
  genres: () => ({
    columns: sql`ge.name, NULL::bigint AS artist_id, NULL AS artist_name, NULL AS color`,
    joins: sql`JOIN genre ge ON ge.id = x.id`,
  }),
  tags: (userId) => ({
    columns: sql`g.name, NULL::bigint AS artist_id, NULL AS artist_name, g.color`,
    joins: sql`JOIN tag g ON g.user_id = ${userId} AND g.id = x.id`,
  }),
};

/** A day bound means its start (from) or its end (to) in the zone. */
function boundSql(bound: PeriodBound, zone: string, side: 'from' | 'to'): RawBuilder<Date> {
  if ('instant' in bound) return sql<Date>`${bound.instant}::timestamptz`;
  const day = side === 'from' ? sql`${bound.date}::date` : sql`(${bound.date}::date + 1)`;
  return sql<Date>`(${day}::timestamp AT TIME ZONE ${zone})`;
}

/** The user's plays (hot and archived) within the edges, each [from, to) with open ends. */
function playsWithin(userId: number, edges: readonly Edge[]): RawBuilder<unknown> {
  const branches = edges.flatMap((edge) =>
    (['play_history', 'play_history_archive'] as const).map(
      (table) => sql`
        SELECT user_track_id, played_at, ms_played, skipped FROM ${sql.table(table)}
        WHERE user_id = ${userId}
          ${edge.from ? sql`AND played_at >= ${edge.from}` : sql``}
          ${edge.to ? sql`AND played_at < ${edge.to}` : sql``}`,
    ),
  );
  return sql.join(branches, sql` UNION ALL `);
}

/** One user track's plays, hot and archived, by the history's primary key. */
function playsOf(userId: number, userTrackId: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    SELECT played_at, ms_played, skipped FROM play_history
    WHERE user_id = ${userId} AND user_track_id = ${userTrackId}
    UNION ALL
    SELECT played_at, ms_played, skipped FROM play_history_archive
    WHERE user_id = ${userId} AND user_track_id = ${userTrackId}`;
}

export type EntityOf = { artistId: number } | { userTrackId: number };

/** The user track ids (as `id`) whose plays are an artist's (primary) or a track's. */
function tracksOf(userId: number, of: EntityOf): RawBuilder<unknown> {
  return 'artistId' in of
    ? sql`SELECT ut.id FROM user_track ut JOIN track t ON t.id = ut.track_id
          WHERE ut.user_id = ${userId} AND t.artist_id = ${of.artistId}`
    : sql`SELECT ${of.userTrackId}::bigint AS id`;
}
