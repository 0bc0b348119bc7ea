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

/** Times travel as epoch milliseconds: cheaper to send and to read back than timestamps as text. */
const fromEpochMs = (column: string) => sql`(timestamptz 'epoch' + ${ms(sql.ref(column))})`;

function span(times: readonly number[]): [Date, Date] {
  let first = Infinity;
  let last = -Infinity;
  for (const time of times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return [new Date(first), new Date(last)];
}

interface InsertedRow extends Omit<InsertedPlay, 'played_at'> {
  at_ms: number;
}

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
   *
   * Set-based: the existing plays of the batch's tracks within its span are
   * read once (by index), then hash-joined to the batch, so a batch of 50k
   * rows costs about what a batch of 2k does per row.
   */
  async countMatches(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PreparedPlay[],
  ): Promise<Map<number, number>> {
    if (plays.length === 0) return new Map();
    const times = plays.map((p) => p.playedAt.getTime());
    const [first, last] = span(times);
    const existing = (table: 'play_history' | 'play_history_archive') => sql`
      SELECT user_track_id, played_at, ms_played, source::text AS source,
        ${precisionOf('source')} AS precision_ms
      FROM ${sql.table(table)}
      WHERE user_id = ${userId}
        AND played_at BETWEEN ${first}::timestamptz - interval ${SEARCH_WINDOW}
                          AND ${last}::timestamptz + interval ${SEARCH_WINDOW}
        -- a join, not "= ANY(array)": planning thousands of array values per partition is slow
        AND user_track_id IN (SELECT user_track_id FROM batch)`;
    const skew = sql`(CASE WHEN e.source = b.source THEN ${sql.lit(SAME_SOURCE_SKEW_MS)} ELSE ${sql.lit(CROSS_SOURCE_SKEW_MS)} END)`;
    const { rows } = await sql<{ grp: number; matched: number }>`
      WITH batch AS MATERIALIZED (
        SELECT grp, user_track_id, ${fromEpochMs('at_ms')} AS played_at,
          ms_played, precision_ms, source
        FROM unnest(
          ${plays.map((p) => p.group)}::int[], ${plays.map((p) => p.userTrackId)}::bigint[],
          ${times}::bigint[], ${plays.map((p) => p.msPlayed)}::int[],
          ${plays.map((p) => SOURCE_PRECISION_MS[p.source])}::int[], ${plays.map((p) => p.source)}::text[]
        ) AS n(grp, user_track_id, at_ms, ms_played, precision_ms, source)
      ), existing AS MATERIALIZED (
        ${existing('play_history')} UNION ALL ${existing('play_history_archive')}
      )
      SELECT b.grp, count(DISTINCT e.played_at)::int AS matched
      FROM batch b JOIN existing e ON e.user_track_id = b.user_track_id
        AND e.played_at <= b.played_at + ${ms(sql`(b.precision_ms + ${skew})`)}
        AND e.played_at + ${ms(sql`(e.precision_ms + ${skew})`)} >= b.played_at
        AND (b.precision_ms >= 60000 OR e.precision_ms >= 60000
          OR abs(extract(epoch FROM e.played_at - b.played_at) * 1000)
            <= greatest(1000, (CASE WHEN e.played_at > b.played_at THEN e.ms_played ELSE b.ms_played END) / 2.0))
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

  /**
   * Deletes one user track's plays (hot and archived) and returns them, to be
   * recorded again under another track in the same transaction.
   */
  async takePlays(trx: Transaction<DB>, userId: number, userTrackId: number) {
    const take = (table: 'play_history' | 'play_history_archive') =>
      trx
        .deleteFrom(table)
        .where('user_id', '=', userId)
        .where('user_track_id', '=', userTrackId)
        .returning(['played_at', 'ms_played', 'source', 'skipped', 'reason_start', 'reason_end'])
        .execute();
    return [...(await take('play_history')), ...(await take('play_history_archive'))];
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
    const { rows } = await sql<InsertedRow>`
      INSERT INTO ${sql.table(table)}
        (user_id, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
      SELECT ${userId}, n.user_track_id, ${fromEpochMs('n.at_ms')}, n.ms_played, n.source::play_source,
             n.skipped, n.reason_start, n.reason_end
      FROM unnest(
        ${column('userTrackId')}::bigint[], ${plays.map((p) => p.playedAt.getTime())}::bigint[],
        ${column('msPlayed')}::int[], ${column('source')}::text[], ${column('skipped')}::boolean[],
        ${column('reasonStart')}::text[], ${column('reasonEnd')}::text[]
      ) AS n(user_track_id, at_ms, ms_played, source, skipped, reason_start, reason_end)
      ON CONFLICT DO NOTHING
      RETURNING user_track_id, (extract(epoch FROM played_at) * 1000)::bigint AS at_ms, ms_played, skipped`.execute(
      trx,
    );
    return rows.map((r) => ({
      user_track_id: r.user_track_id,
      played_at: new Date(r.at_ms),
      ms_played: r.ms_played,
      skipped: r.skipped,
    }));
  }
}
