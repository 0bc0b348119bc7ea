import { Injectable } from '@nestjs/common';
import { Kysely, sql, type Transaction } from 'kysely';
import { monthOfPartition } from '../db/partitions.js';
import type { DB } from '../db/schema.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import type { PreparedPlay } from './play-batch.js';
import { CROSS_SOURCE_SKEW_MS, SAME_SOURCE_SKEW_MS, SOURCE_PRECISION_MS } from './play-sources.js';

export interface InsertedPlay {
  user_track_id: number;
  played_at: Date;
  ms_played: number;
  skipped: boolean;
}

/** Widest distance at which two records can be one play: coarsest precision + skew, both sides. */
const SEARCH_WINDOW = sql.lit(
  `${(2 * (Math.max(...Object.values(SOURCE_PRECISION_MS)) + CROSS_SOURCE_SKEW_MS)) / 1000} seconds`,
);

const precisionOf = (column: string) =>
  sql`(CASE ${sql.ref(column)} ${sql.join(
    Object.entries(SOURCE_PRECISION_MS).map(
      ([source, ms]) => sql`WHEN ${sql.lit(source)} THEN ${sql.lit(ms)}`,
    ),
    sql` `,
  )} END)`;

const ms = (expression: ReturnType<typeof sql>) => sql`(${expression} * interval '1 millisecond')`;

export interface PlayRow {
  played_at: Date;
  user_track_id: number;
  ms_played: number;
  skipped: boolean;
  source: string;
  track_name: string;
  artist_id: number;
  artist_name: string;
  album_id: number | null;
  album_name: string | null;
}

export interface PlayRange {
  from?: Date | undefined;
  to?: Date | undefined;
  /** the (played_at, user_track_id) of the last row of the previous page */
  before?: readonly [Date, number] | undefined;
}

@Injectable()
export class HistoryRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Serialises one user's play writers (DESIGN rule 4) and keeps the archival
   * job from detaching a month under this transaction's inserts.
   */
  async lockForRecording(trx: Transaction<DB>, userId: number): Promise<void> {
    await lockUserWrites(trx, userId);
    await sql`LOCK TABLE play_history, play_history_archive IN ROW EXCLUSIVE MODE`.execute(trx);
  }

  /** The first instant that belongs to the hot table; older plays go to the archive. */
  async hotStart(db: Kysely<DB> = this.db): Promise<Date> {
    const { rows } = await sql<{ name: string | null }>`
      SELECT min(c.relname) AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'play_history'::regclass AND NOT i.inhdetachpending`.execute(db);
    const name = rows[0]?.name;
    if (!name) return new Date(8.64e15); // no hot partitions: everything is archive
    const { year, month } = monthOfPartition(name);
    return new Date(Date.UTC(year, month - 1, 1));
  }

  /**
   * How many existing plays (hot and archive) each group of the batch matches.
   * Two records are one play when their possible end times, widened by the
   * skew, overlap; between two precise records also no further apart than
   * half the later one lasted, since two real plays of a track end at least
   * that long apart (so a track on repeat never collapses).
   */
  async countMatches(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PreparedPlay[],
  ): Promise<Map<number, number>> {
    if (plays.length === 0) return new Map();
    const first = plays.reduce(
      (min, p) => (p.playedAt < min ? p.playedAt : min),
      plays[0]!.playedAt,
    );
    const last = plays.reduce(
      (max, p) => (p.playedAt > max ? p.playedAt : max),
      plays[0]!.playedAt,
    );
    const candidates = (table: 'play_history' | 'play_history_archive') => sql`
      SELECT h.user_track_id, h.played_at FROM ${sql.table(table)} h
      WHERE h.user_id = ${userId} AND h.user_track_id = b.user_track_id
        AND h.played_at BETWEEN b.played_at - interval ${SEARCH_WINDOW} AND b.played_at + interval ${SEARCH_WINDOW}
        -- the batch's span as constants: the planner skips every other month's partition
        AND h.played_at BETWEEN ${first}::timestamptz - interval ${SEARCH_WINDOW}
                            AND ${last}::timestamptz + interval ${SEARCH_WINDOW}
        AND h.played_at <= b.played_at + ${ms(sql`(b.precision_ms + (CASE WHEN h.source::text = b.source THEN ${sql.lit(SAME_SOURCE_SKEW_MS)} ELSE ${sql.lit(CROSS_SOURCE_SKEW_MS)} END))`)}
        AND h.played_at + ${ms(sql`(${precisionOf('h.source')} + (CASE WHEN h.source::text = b.source THEN ${sql.lit(SAME_SOURCE_SKEW_MS)} ELSE ${sql.lit(CROSS_SOURCE_SKEW_MS)} END))`)} >= b.played_at
        AND (b.precision_ms >= 60000 OR ${precisionOf('h.source')} >= 60000
          OR abs(extract(epoch FROM h.played_at - b.played_at) * 1000)
            <= greatest(1000, (CASE WHEN h.played_at > b.played_at THEN h.ms_played ELSE b.ms_played END) / 2.0))`;
    const { rows } = await sql<{ grp: number; matched: number }>`
      SELECT b.grp, count(DISTINCT (m.user_track_id, m.played_at))::int AS matched
      FROM unnest(
        ${plays.map((p) => p.group)}::int[], ${plays.map((p) => p.userTrackId)}::bigint[],
        ${plays.map((p) => p.playedAt)}::timestamptz[], ${plays.map((p) => p.msPlayed)}::int[],
        ${plays.map((p) => SOURCE_PRECISION_MS[p.source])}::int[], ${plays.map((p) => p.source)}::text[]
      ) AS b(grp, user_track_id, played_at, ms_played, precision_ms, source)
      JOIN LATERAL (
        ${candidates('play_history')}
        UNION ALL
        ${candidates('play_history_archive')}
      ) m ON true
      GROUP BY b.grp`.execute(trx);
    return new Map(rows.map((r) => [r.grp, r.matched]));
  }

  /**
   * A user's plays, newest first, from the hot table and the archive alike.
   * Each table gives its newest rows through (user_id, played_at,
   * user_track_id) read backwards; the union keeps the first `limit`.
   */
  async listPlays(userId: number, range: PlayRange, limit: number): Promise<PlayRow[]> {
    const newest = (table: 'play_history' | 'play_history_archive') => sql`(
      SELECT user_track_id, played_at, ms_played, skipped, source FROM ${sql.table(table)}
      WHERE user_id = ${userId}
        ${range.from ? sql`AND played_at >= ${range.from}` : sql``}
        ${range.to ? sql`AND played_at < ${range.to}` : sql``}
        ${range.before ? sql`AND (played_at, user_track_id) < (${range.before[0]}, ${range.before[1]})` : sql``}
      ORDER BY played_at DESC, user_track_id DESC
      LIMIT ${limit})`;
    const { rows } = await sql<PlayRow>`
      SELECT h.played_at, h.user_track_id, h.ms_played, h.skipped, h.source::text AS source,
        t.name AS track_name, ar.id AS artist_id, ar.name AS artist_name,
        al.id AS album_id, al.name AS album_name
      FROM (${newest('play_history')} UNION ALL ${newest('play_history_archive')}) h
      JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = h.user_track_id
      JOIN track t ON t.id = ut.track_id
      JOIN artist ar ON ar.id = t.artist_id
      LEFT JOIN album al ON al.id = t.album_id
      ORDER BY h.played_at DESC, h.user_track_id DESC
      LIMIT ${limit}`.execute(this.db);
    return rows;
  }

  /** Fresh statistics after a bulk load; autovacuum never analyzes partitioned parents. */
  async analyze(): Promise<void> {
    await sql`ANALYZE play_history, play_history_archive, user_track, user_artist, user_album`.execute(
      this.db,
    );
  }

  /** Inserts plays into the table that holds their month; returns the rows actually inserted. */
  async insert(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PreparedPlay[],
    hotStart: Date,
  ): Promise<InsertedPlay[]> {
    const hot = plays.filter((p) => p.playedAt >= hotStart);
    const archived = plays.filter((p) => p.playedAt < hotStart);
    return [
      ...(await this.insertInto(trx, 'play_history', userId, hot)),
      ...(await this.insertInto(trx, 'play_history_archive', userId, archived)),
    ];
  }

  private async insertInto(
    trx: Transaction<DB>,
    table: 'play_history' | 'play_history_archive',
    userId: number,
    plays: readonly PreparedPlay[],
  ): Promise<InsertedPlay[]> {
    if (plays.length === 0) return [];
    const column = <K extends keyof PreparedPlay>(key: K) => plays.map((p) => p[key]);
    const { rows } = await sql<InsertedPlay>`
      INSERT INTO ${sql.table(table)}
        (user_id, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
      SELECT ${userId}, n.user_track_id, n.played_at, n.ms_played, n.source::play_source, n.skipped,
             n.reason_start, n.reason_end
      FROM unnest(
        ${column('userTrackId')}::bigint[], ${column('playedAt')}::timestamptz[],
        ${column('msPlayed')}::int[], ${column('source')}::text[], ${column('skipped')}::boolean[],
        ${column('reasonStart')}::text[], ${column('reasonEnd')}::text[]
      ) AS n(user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
      ON CONFLICT DO NOTHING
      RETURNING user_track_id, played_at, ms_played, skipped`.execute(trx);
    return rows;
  }
}
