import { Injectable } from '@nestjs/common';
import { Kysely, sql, type RawBuilder } from 'kysely';
import type { DB } from '../db/schema.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import { GROUP_AGGREGATES } from './aggregates.repository.js';

/** A stored figure that differs from a recount: an aggregate's row or a rollup's. */
export interface DriftRow {
  aggregate: string;
  user_id: number;
  /** the row's key: an id, or a rollup's hour or month and id */
  key: number | string;
  stored: string;
  expected: string;
}

/**
 * Every aggregate recomputed from the history itself (hot and archive) and
 * from library membership: what `stats verify` compares and `stats rebuild`
 * writes back. The definitions here are the reference the recorder must match.
 */
const expectedPerTrack = (userFilter: RawBuilder<unknown>) => sql`
  SELECT ut.user_id, ut.id, ut.track_id,
    count(p.user_track_id) FILTER (WHERE NOT p.skipped)::int AS play_count,
    count(p.user_track_id) FILTER (WHERE p.skipped)::int AS skip_count,
    coalesce(sum(p.ms_played), 0)::bigint AS ms_played,
    max(p.played_at) FILTER (WHERE NOT p.skipped) AS last_played_at
  FROM user_track ut
  LEFT JOIN (
    SELECT user_id, user_track_id, played_at, ms_played, skipped FROM play_history
    UNION ALL
    SELECT user_id, user_track_id, played_at, ms_played, skipped FROM play_history_archive
  ) p ON p.user_id = ut.user_id AND p.user_track_id = ut.id
  WHERE ${userFilter}
  GROUP BY ut.user_id, ut.id`;

const expectedPerGroup = (key: 'artist_id' | 'album_id') => sql`
  SELECT e.user_id, t.${sql.ref(key)} AS key, count(*)::int AS track_count,
    sum(e.play_count)::int AS play_count, sum(e.ms_played)::bigint AS ms_played,
    max(e.last_played_at) AS last_played_at
  FROM expected_track e JOIN track t ON t.id = e.track_id
  WHERE t.${sql.ref(key)} IS NOT NULL
  GROUP BY e.user_id, t.${sql.ref(key)}`;

const userScope = (column: string, userId: number | undefined) =>
  userId === undefined ? sql`true` : sql`${sql.ref(column)} = ${userId}`;

@Injectable()
export class AggregatesAuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Aggregate rows that differ from a recount; `checked` counts the rows compared. */
  async findDrift(userId?: number, limit = 1000): Promise<{ checked: number; drift: DriftRow[] }> {
    const groupDrift = (table: 'user_artist' | 'user_album', key: 'artist_id' | 'album_id') => sql`
      SELECT ${sql.lit(table)} AS aggregate, coalesce(s.user_id, x.user_id) AS user_id,
        coalesce(s.${sql.ref(key)}, x.key) AS key,
        concat_ws(' ', s.track_count, s.play_count, s.ms_played, s.last_played_at) AS stored,
        concat_ws(' ', x.track_count, x.play_count, x.ms_played, x.last_played_at) AS expected
      FROM (SELECT * FROM ${sql.table(table)} WHERE ${userScope('user_id', userId)}) s
      FULL JOIN ${sql.table(`expected_${table}`)} x ON x.user_id = s.user_id AND x.key = s.${sql.ref(key)}
      WHERE (coalesce(s.track_count, 0), coalesce(s.play_count, 0), coalesce(s.ms_played, 0), s.last_played_at)
        IS DISTINCT FROM (coalesce(x.track_count, 0), coalesce(x.play_count, 0), coalesce(x.ms_played, 0), x.last_played_at)`;
    const { rows } = await sql<DriftRow & { checked: number }>`
      WITH expected_track AS (${expectedPerTrack(userScope('ut.user_id', userId))}),
      expected_user_artist AS (${expectedPerGroup('artist_id')}),
      expected_user_album AS (${expectedPerGroup('album_id')}),
      drift AS (
        -- a user track without its counters row is drift too (stored is empty)
        SELECT 'user_track' AS aggregate, e.user_id, e.id AS key,
          concat_ws(' ', s.play_count, s.skip_count, s.ms_played, s.last_played_at) AS stored,
          concat_ws(' ', e.play_count, e.skip_count, e.ms_played, e.last_played_at) AS expected
        FROM expected_track e
        LEFT JOIN user_track_stats s ON s.user_id = e.user_id AND s.user_track_id = e.id
        WHERE (s.play_count, s.skip_count, s.ms_played, s.last_played_at)
          IS DISTINCT FROM (e.play_count, e.skip_count, e.ms_played, e.last_played_at)
        UNION ALL ${groupDrift('user_artist', 'artist_id')}
        UNION ALL ${groupDrift('user_album', 'album_id')}
      )
      SELECT d.*, (SELECT count(*) FROM expected_track)::int
        + (SELECT count(*) FROM expected_user_artist)::int
        + (SELECT count(*) FROM expected_user_album)::int AS checked
      FROM drift d ORDER BY aggregate, user_id, key LIMIT ${limit}`.execute(this.db);
    const checked = rows[0]?.checked ?? (await this.countChecked(userId));
    return { checked, drift: rows.map(({ checked: _checked, ...row }) => row) };
  }

  /** Rewrites one user's aggregates from the recount, under the user's recording lock. */
  async rebuild(userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, userId);
      await sql`
        WITH expected_track AS (${expectedPerTrack(userScope('ut.user_id', userId))})
        INSERT INTO user_track_stats AS s
          (user_id, user_track_id, play_count, skip_count, ms_played, last_played_at)
        SELECT user_id, id, play_count, skip_count, ms_played, last_played_at FROM expected_track
        ON CONFLICT (user_id, user_track_id) DO UPDATE SET play_count = excluded.play_count,
          skip_count = excluded.skip_count, ms_played = excluded.ms_played,
          last_played_at = excluded.last_played_at
        WHERE (s.play_count, s.skip_count, s.ms_played, s.last_played_at) IS DISTINCT FROM
          (excluded.play_count, excluded.skip_count, excluded.ms_played, excluded.last_played_at)`.execute(
        trx,
      );
      for (const { table, key } of GROUP_AGGREGATES) {
        await sql`DELETE FROM ${sql.table(table)} WHERE user_id = ${userId}`.execute(trx);
        await sql`
          WITH expected_track AS (${expectedPerTrack(userScope('ut.user_id', userId))})
          INSERT INTO ${sql.table(table)} (user_id, ${sql.ref(key)}, track_count, play_count, ms_played, last_played_at)
          SELECT user_id, key, track_count, play_count, ms_played, last_played_at
          FROM (${expectedPerGroup(key)}) x`.execute(trx);
      }
    });
  }

  async userIds(): Promise<number[]> {
    const rows = await this.db.selectFrom('app_user').select('id').orderBy('id').execute();
    return rows.map((r) => r.id);
  }

  private async countChecked(userId?: number): Promise<number> {
    const { rows } = await sql<{ checked: number }>`
      SELECT (SELECT count(*) FROM user_track WHERE ${userScope('user_id', userId)})::int
        + (SELECT count(*) FROM user_artist WHERE ${userScope('user_id', userId)})::int
        + (SELECT count(*) FROM user_album WHERE ${userScope('user_id', userId)})::int AS checked`.execute(
      this.db,
    );
    return rows[0]?.checked ?? 0;
  }
}
