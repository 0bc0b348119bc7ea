import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { lockUserWrites } from '../db/user-write-lock.js';
import type { DriftRow } from './aggregates-audit.repository.js';
import { LABEL_TABLES, rebuildLabelStats } from './label-stats.js';

/**
 * Users (r: user_rollup_state) whose genre figures hold: built, and none of
 * their artists' catalog genres changed since.
 */
const GENRES_CURRENT = sql<boolean>`(r.label_stats_version IS NOT NULL AND (
  -- no genre changed anywhere since the build (the usual case): no artist to look at.
  -- Once most artists were ever stamped, the search below walks all the user's artists.
  (SELECT c.genres_version FROM catalog_state c) <= r.label_stats_version
  OR NOT EXISTS (
    SELECT 1 FROM artist a
    -- "> 0" lets the partial index (of artists ever changed) answer
    WHERE a.genres_version > 0 AND a.genres_version > r.label_stats_version
      AND EXISTS (SELECT 1 FROM user_artist ua WHERE ua.user_id = r.user_id AND ua.artist_id = a.id))))`;

/** Whether a user's tag and genre figures can answer, rebuilding them, checking them. */
@Injectable()
export class LabelStatsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async usableFor(userId: number): Promise<{ tags: boolean; genres: boolean }> {
    const { rows } = await sql<{ tags: boolean; genres: boolean }>`
      SELECT r.label_stats_version IS NOT NULL AS tags, ${GENRES_CURRENT} AS genres
      FROM user_rollup_state r WHERE r.user_id = ${userId}`.execute(this.db);
    return rows[0] ?? { tags: false, genres: false };
  }

  /** Users with plays recorded whose figures await a build or lag the catalog's genres. */
  async staleUserIds(): Promise<number[]> {
    const { rows } = await sql<{ user_id: number }>`
      SELECT r.user_id FROM user_rollup_state r WHERE NOT ${GENRES_CURRENT}
      ORDER BY r.user_id`.execute(this.db);
    return rows.map((r) => r.user_id);
  }

  /** Recounts the user's tag and genre figures, under the write lock. */
  async rebuild(userId: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockUserWrites(trx, userId);
      await rebuildLabelStats(trx, userId);
    });
  }

  /**
   * Figures of users whose figures are in use that differ from a recount of
   * their inputs (rows at zero count as absent); `checked` counts the rows
   * compared.
   */
  async findDrift(userId?: number): Promise<{ checked: number; drift: DriftRow[] }> {
    const users = userId === undefined ? sql`true` : sql`r.user_id = ${userId}`;
    const inUse = {
      tags: sql`SELECT r.user_id FROM user_rollup_state r
        WHERE r.label_stats_version IS NOT NULL AND ${users}`,
      genres: sql`SELECT r.user_id FROM user_rollup_state r
        WHERE ${GENRES_CURRENT} AND ${users}`,
    };
    const parts = (['tags', 'genres'] as const).map((kind) => {
      const { table, key, expected, scope } = LABEL_TABLES[kind];
      return sql`
        SELECT ${sql.lit(table)} AS aggregate, coalesce(s.user_id, x.user_id) AS user_id,
          coalesce(s.${sql.ref(key)}, x.key) AS key, concat_ws(' ', s.play_count, s.ms_played) AS stored,
          concat_ws(' ', x.play_count, x.ms_played) AS expected
        FROM (SELECT * FROM ${sql.table(table)}
              WHERE user_id IN (${inUse[kind]}) AND (play_count, ms_played) <> (0, 0)) s
        FULL JOIN (SELECT * FROM (${expected(sql`${sql.ref(`${scope}.user_id`)} IN (${inUse[kind]})`)}) e
                   WHERE (play_count, ms_played) <> (0, 0)) x
          ON x.user_id = s.user_id AND x.key = s.${sql.ref(key)}
        WHERE (s.play_count, s.ms_played) IS DISTINCT FROM (x.play_count, x.ms_played)`;
    });
    const { rows } = await sql<DriftRow>`
      ${sql.join(parts, sql` UNION ALL `)} ORDER BY aggregate, user_id, key`.execute(this.db);
    const { rows: counted } = await sql<{ n: number }>`
      SELECT ((SELECT count(*) FROM user_tag_stats WHERE user_id IN (${inUse.tags}))
        + (SELECT count(*) FROM user_genre_stats WHERE user_id IN (${inUse.genres})))::int AS n`.execute(
      this.db,
    );
    return { checked: counted[0]!.n, drift: rows };
  }
}
