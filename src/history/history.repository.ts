import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder, type Transaction } from 'kysely';
import { booleanArray, numberArray, textArray } from '../db/array-literal.js';
import { fromEpochMs, ms } from '../db/epoch-ms.js';
import { monthOfPartition } from '../db/partitions.js';
import type { DB, PlaySource } from '../db/schema.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import { rollupChanges } from '../stats/rollups.repository.js';
import type { PreparedPlay } from './play-batch.js';
import {
  CROSS_SOURCE_SKEW_MS,
  NAMESAKE_SKEW_MS,
  SAME_SOURCE_SKEW_MS,
  SOURCE_PRECISION_MS,
} from './play-sources.js';

/** What newly inserted plays add to one user track's counters. */
export interface PlayDelta {
  userTrackId: number;
  plays: number;
  skips: number;
  msPlayed: number;
  /** epoch ms of the latest inserted play that was not a skip */
  lastPlayedMs: number | null;
}

type HistoryTable = 'play_history' | 'play_history_archive';

/** Widest distance at which two records can be one play: coarsest precision + skew, both sides. */
const SEARCH_WINDOW_S =
  (2 * (Math.max(...Object.values(SOURCE_PRECISION_MS)) + CROSS_SOURCE_SKEW_MS)) / 1000;
const SEARCH_WINDOW = sql.lit(`${SEARCH_WINDOW_S} seconds`);

/**
 * From this many distinct tracks a batch reads every play of the user in its
 * span and keeps its tracks' (a hash join) instead of probing the (user,
 * track, time) key once per track and month partition. A month holds at most
 * ~15k plays (500 a day), read at ~0.25 µs each; a probe costs ~3 µs: past
 * ~1,000 tracks the span is the cheaper read whatever the user's density. An
 * import's 25k-play chunk of ~5,000 tracks over 32 months: 0.5-0.8 s of
 * probes, 60-90 ms read by span (PostgreSQL 15, 1M plays).
 */
export const SPAN_READ_TRACKS = 1_000;

/**
 * Plays are hash-joined on (track, time slot of SEARCH_WINDOW) against the
 * slot and its two neighbours: a join on the track alone pairs every play of
 * a favourite track with every other in the span, quadratic in its plays.
 */
const slotOf = (column: string) =>
  sql`floor(extract(epoch FROM ${sql.ref(column)}) / ${sql.lit(SEARCH_WINDOW_S)})::bigint`;

const precisionOf = (column: string) =>
  sql`(CASE ${sql.ref(column)} ${sql.join(
    Object.entries(SOURCE_PRECISION_MS).map(
      ([source, ms]) => sql`WHEN ${sql.lit(source)} THEN ${sql.lit(ms)}`,
    ),
    sql` `,
  )} END)`;

/**
 * The batch's tracks, each with its namesakes among the user's tracks: the
 * same artist and track name under another Spotify id (a single and its
 * album version). Account data names a song, not which of its ids played, so
 * a record by name may be the same play as a namesake's record.
 */
const batchTracks = (userId: number) => sql`
  batch_track AS MATERIALIZED (SELECT DISTINCT user_track_id FROM batch),
  batch_tracks AS MATERIALIZED (
    SELECT user_track_id AS of_track, user_track_id, false AS namesake FROM batch_track
    UNION ALL
    SELECT other.id, b.user_track_id, true
    FROM batch_track b
    JOIN user_track ut ON ut.user_id = ${userId} AND ut.id = b.user_track_id
    JOIN track t ON t.id = ut.track_id
    JOIN artist a ON a.id = t.artist_id
    JOIN artist a2 ON a2.sort_name = a.sort_name
    JOIN track t2 ON t2.artist_id = a2.id AND t2.sort_name = t.sort_name AND t2.id <> t.id
    JOIN user_track other ON other.user_id = ${userId} AND other.track_id = t2.id)`;

/** The plays of `from` of the batch's tracks and their namesakes, each as the batch track's. */
const ofBatchTracks = (from: RawBuilder<unknown>) => sql`
  SELECT k.user_track_id, p.user_track_id AS of_track, p.played_at, p.ms_played, p.source,
    k.namesake,
    ${precisionOf('p.source')} AS precision_ms, ${slotOf('p.played_at')} AS slot
  FROM ${from}
  -- a join, not "= ANY(array)": planning thousands of array values per partition is slow
  JOIN batch_tracks k ON k.of_track = p.user_track_id`;

function span(times: readonly number[]): [Date, Date] {
  let first = Infinity;
  let last = -Infinity;
  for (const time of times) {
    if (time < first) first = time;
    if (time > last) last = time;
  }
  return [new Date(first), new Date(last)];
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
   * Inserts the plays of the batch that are not already recorded, each into
   * the table that holds its month, in one statement; returns what the
   * inserted plays add to each user track's counters.
   *
   * Two records are one play when their possible end times, widened by the
   * skew, overlap; between two precise records also no further apart than
   * half the later one lasted, since two real plays of a track end at least
   * that long apart (so a track on repeat never collapses). Each group of the
   * batch then adds only its plays beyond the existing ones that match any of
   * it: the latest ones. A coarse source's row already recorded (its minute and
   * milliseconds) is known by itself, whichever batch brought it, and a
   * group's new rows are spread past the milliseconds its minute holds.
   *
   * Set-based: the existing plays of the batch's tracks within its span are
   * read once (by key for a few tracks, by span for many: SPAN_READ_TRACKS),
   * then hash-joined to the batch, so a batch of 50k rows costs about what a
   * batch of 2k does per row.
   */
  async insertNew(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PreparedPlay[],
    hotStart: Date,
    rollupZone: string | null,
  ): Promise<PlayDelta[]> {
    if (plays.length === 0) return [];
    const times = plays.map((p) => p.playedAt.getTime());
    const [first, last] = span(times);
    const inSpan = (table: HistoryTable) => sql`
      SELECT user_track_id, played_at, ms_played, source FROM ${sql.table(table)}
      WHERE user_id = ${userId}
        AND played_at BETWEEN ${first}::timestamptz - interval ${SEARCH_WINDOW}
                          AND ${last}::timestamptz + interval ${SEARCH_WINDOW}`;
    // Read by span, the plays go through a CTE: the planner, taking the batch for
    // 200 tracks, would otherwise probe the key per track and partition anyway.
    const bySpan = new Set(plays.map((p) => p.userTrackId)).size >= SPAN_READ_TRACKS;
    const existingPlays = bySpan
      ? sql`span AS MATERIALIZED (${inSpan('play_history')} UNION ALL ${inSpan('play_history_archive')}),
        existing AS MATERIALIZED (${ofBatchTracks(sql`span p`)})`
      : sql`existing AS MATERIALIZED (
          ${ofBatchTracks(sql`(${inSpan('play_history')}) p`)}
          UNION ALL ${ofBatchTracks(sql`(${inSpan('play_history_archive')}) p`)})`;
    const skew = sql`(CASE WHEN e.source = b.source THEN ${sql.lit(SAME_SOURCE_SKEW_MS)} ELSE ${sql.lit(CROSS_SOURCE_SKEW_MS)} END)`;
    const insertInto = (table: HistoryTable, months: RawBuilder<unknown>) => sql`
      INSERT INTO ${sql.table(table)}
        (user_id, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end)
      SELECT ${userId}, user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end
      FROM fresh WHERE ${months}
      RETURNING user_track_id, played_at, ms_played, skipped`;
    // A span's plays and the joins over them fit in memory (4 MB by default: sorts spilled to disk).
    if (bySpan) await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    const column = <K extends keyof PreparedPlay>(key: K) => plays.map((p) => p[key]);
    const { rows } = await sql<PlayDelta>`
      WITH batch AS MATERIALIZED (
        SELECT grp, user_track_id, ${fromEpochMs('at_ms')} AS played_at, ms_played,
          source::play_source AS source, skipped, reason_start, reason_end,
          ${precisionOf('source')} AS precision_ms,
          floor(at_ms / ${sql.lit(SEARCH_WINDOW_S * 1000)}.0)::bigint AS slot
        FROM unnest(
          ${numberArray(column('group'))}::int[], ${numberArray(column('userTrackId'))}::bigint[],
          ${numberArray(times)}::bigint[], ${numberArray(column('msPlayed'))}::int[],
          ${textArray(column('source'))}::text[], ${booleanArray(column('skipped'))}::boolean[],
          ${textArray(column('reasonStart'))}::text[], ${textArray(column('reasonEnd'))}::text[]
        ) AS n(grp, user_track_id, at_ms, ms_played, source, skipped, reason_start, reason_end)
      ), ${batchTracks(userId)}, ${existingPlays},
      -- each row with the slots to probe, materialized so that the join hashes on (track,
      -- slot): planned together, the slot was a filter after a hash on the track alone,
      -- quadratic in a favourite track's plays (8k rows against 4k plays: 32M pairs, 4.7 s)
      probes AS MATERIALIZED (
        SELECT b.*, b.slot + near.step AS probe
        FROM batch b CROSS JOIN (VALUES (-1), (0), (1)) AS near(step)
      ), pairs AS MATERIALIZED (
        SELECT b.grp, b.played_at, e.of_track, e.played_at AS existing_at,
          -- a coarse source's row stated again: matched to itself, not counted
          e.source = b.source AND b.precision_ms >= 60000 AS restated
        FROM probes b
        JOIN existing e ON e.user_track_id = b.user_track_id AND e.slot = b.probe
          AND e.played_at <= b.played_at + ${ms(sql`(b.precision_ms + ${skew})`)}
          AND e.played_at + ${ms(sql`(e.precision_ms + ${skew})`)} >= b.played_at
          -- a namesake's record is this play where another source states it (account data
          -- and a scrobbler name a song, not which of its ids played; Spotify plays one
          -- stream at a time), or a coarse one: a source names the id of each precise play
          AND (NOT e.namesake OR e.source <> b.source OR b.precision_ms >= 60000)
          -- a coarse source names a row by its minute and milliseconds, whichever batch
          -- brought it: another row of its minute, or of the next, is another play
          AND (e.source <> b.source OR b.precision_ms < 60000
            OR (e.ms_played = b.ms_played
              AND floor(extract(epoch FROM e.played_at) / 60) = floor(extract(epoch FROM b.played_at) / 60)))
          AND (b.precision_ms >= 60000 OR e.precision_ms >= 60000
            OR abs(extract(epoch FROM e.played_at - b.played_at) * 1000)
              <= (CASE WHEN e.namesake AND 'listenbrainz' NOT IN (e.source, b.source)
                THEN ${sql.lit(NAMESAKE_SKEW_MS)} ELSE greatest(1000,
                (CASE WHEN e.played_at > b.played_at THEN e.ms_played ELSE b.ms_played END) / 2.0) END))
      ), matched AS (
        SELECT grp, count(DISTINCT (of_track, existing_at)) AS n
        FROM pairs WHERE NOT restated GROUP BY grp
      ), taken AS (
        -- the milliseconds of a coarse group's minute that its track's records hold
        -- already (an earlier batch's rows of that minute, wherever they were spread; a
        -- precise play ending in its first second): its new rows are spread past them
        SELECT g.grp, max(e.played_at) - g.start + interval '1 millisecond' AS shift
        FROM (SELECT grp, min(user_track_id) AS user_track_id, min(played_at) AS start,
                min(slot) + near.step AS probe
              FROM batch CROSS JOIN (VALUES (0), (1)) AS near(step)
              WHERE precision_ms >= 60000 GROUP BY grp, near.step) g
        JOIN existing e ON e.user_track_id = g.user_track_id AND e.slot = g.probe
          AND NOT e.namesake AND e.played_at >= g.start
          AND e.played_at < g.start + (CASE WHEN e.precision_ms >= 60000
            THEN interval '1 minute' ELSE interval '1 second' END)
        GROUP BY g.grp, g.start
      ), placed AS (
        SELECT b.*, b.played_at + coalesce(t.shift, interval '0') AS at FROM (
          SELECT *, row_number() OVER (PARTITION BY grp ORDER BY played_at) AS position FROM batch
          WHERE NOT EXISTS (SELECT 1 FROM pairs p
            WHERE p.restated AND p.grp = batch.grp AND p.played_at = batch.played_at)
        ) b LEFT JOIN matched m ON m.grp = b.grp LEFT JOIN taken t ON t.grp = b.grp
        WHERE b.position > coalesce(m.n, 0)
      ), fresh AS (
        SELECT user_track_id, at AS played_at, ms_played, source, skipped, reason_start, reason_end
        FROM placed p
        -- a key taken all the same (a precise play ending on a spread millisecond):
        -- skipped, as a conflict would be. Checked here rather than by ON CONFLICT, whose
        -- speculative insertion made every inserted play 60% dearer (5.8 vs 9.3 µs).
        WHERE NOT EXISTS (SELECT 1 FROM existing e
          WHERE e.user_track_id = p.user_track_id AND e.played_at = p.at AND NOT e.namesake)
      ), hot AS (
        ${insertInto('play_history', sql`played_at >= ${hotStart}`)}
      ), archived AS (
        ${insertInto('play_history_archive', sql`played_at < ${hotStart}`)}
      ), inserted AS (
        SELECT * FROM hot UNION ALL SELECT * FROM archived
      ) ${rollupChanges(userId, rollupZone, 'inserted', 'add')}
      SELECT user_track_id AS "userTrackId",
        count(*) FILTER (WHERE NOT skipped)::int AS plays,
        count(*) FILTER (WHERE skipped)::int AS skips,
        sum(ms_played)::bigint AS "msPlayed",
        (extract(epoch FROM max(played_at) FILTER (WHERE NOT skipped)) * 1000)::bigint AS "lastPlayedMs"
      FROM inserted
      GROUP BY user_track_id`.execute(trx);
    return rows;
  }

  /**
   * A user's plays, newest first, from the hot table and the archive alike.
   * Each table gives its newest rows through (user_id, played_at,
   * user_track_id) read backwards; the union keeps the first `limit`.
   */
  async listPlays(userId: number, range: PlayRange, limit: number): Promise<PlayRow[]> {
    const newest = (table: HistoryTable) => sql`(
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
   * recorded again under another track in the same transaction; the rollups
   * (keyed in `rollupZone`) lose them in the same statement.
   */
  async takePlays(
    trx: Transaction<DB>,
    userId: number,
    userTrackId: number,
    rollupZone: string | null,
  ) {
    return this.removePlays(trx, userId, [userTrackId], rollupZone);
  }

  /**
   * Deletes the plays of user tracks about to leave the library: the history
   * has no foreign key to cascade from (migration 0011). The history then no
   * longer holds every file it was imported from whole: reading one again
   * would bring plays back, so the user's file fingerprints go (0023).
   */
  async deletePlaysOf(
    trx: Transaction<DB>,
    userId: number,
    userTrackIds: readonly number[],
    rollupZone: string | null,
  ): Promise<void> {
    await this.removePlays(trx, userId, userTrackIds, rollupZone);
    await trx.deleteFrom('import_fingerprint').where('user_id', '=', userId).execute();
  }

  private async removePlays(
    trx: Transaction<DB>,
    userId: number,
    userTrackIds: readonly number[],
    rollupZone: string | null,
  ) {
    const remove = (table: HistoryTable) => sql`
      DELETE FROM ${sql.table(table)}
      WHERE user_id = ${userId} AND user_track_id = ANY(${numberArray(userTrackIds)}::bigint[])
      RETURNING user_track_id, played_at, ms_played, source, skipped, reason_start, reason_end`;
    const { rows } = await sql<{
      played_at: Date;
      ms_played: number;
      source: PlaySource;
      skipped: boolean;
      reason_start: string | null;
      reason_end: string | null;
    }>`
      WITH hot AS (${remove('play_history')}), archived AS (${remove('play_history_archive')}),
      removed AS (SELECT * FROM hot UNION ALL SELECT * FROM archived)
      ${rollupChanges(userId, rollupZone, 'removed', 'take')}
      SELECT played_at, ms_played, source, skipped, reason_start, reason_end FROM removed`.execute(
      trx,
    );
    return rows;
  }
}
