/**
 * Recording throughput (plays/s, aggregates included) with 1 and 8
 * concurrent writers, and archival of one month by partition move against
 * the guide's copy-10k-and-delete loop on the same rows. PostgreSQL only.
 *
 *   npm run bench:recording [-- --plays 100000]
 *
 * Uses (and recreates) the database `spotlib_bench` on the server of
 * TEST_DATABASE_URL. The suite of the benchmark issue will adopt these scenarios.
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { openPostgres, type Database } from '../src/db/database.js';
import { Migrator } from '../src/db/migrator.js';
import {
  PlayHistoryArchiver,
  PlayHistoryPartitions,
  monthFromIndex,
  monthIndex,
} from '../src/db/partitions.js';
import { HistoryRepository } from '../src/history/history.repository.js';
import type { PlayToRecord } from '../src/history/play-batch.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { LibraryRepository } from '../src/library/library.repository.js';
import { AppMetrics } from '../src/ops/metrics/app-metrics.service.js';
import { AggregatesAuditRepository } from '../src/stats/aggregates-audit.repository.js';
import { RollupsRepository } from '../src/stats/rollups.repository.js';
import { AggregatesRepository } from '../src/stats/aggregates.repository.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { seededRandom } from '../src/common/seeded-random.js';
import { recreateDatabase } from './environment.js';

const { values } = parseArgs({
  options: {
    plays: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1000' },
    'archive-rows': { type: 'string', default: '300000' },
  },
});
const PLAYS = Number(values.plays);
const BATCH = Number(values.batch);
const ARCHIVE_ROWS = Number(values['archive-rows']);
const TRACKS = 20_000;
const HOT_MONTHS = 6;

async function main() {
  const database = await freshDatabase('spotlib_bench');
  const { db } = database;
  const recorder = new PlayRecorder(
    db,
    new UsersRepository(db),
    new LibraryRepository(db),
    new HistoryRepository(db),
    new AggregatesRepository(),
    new RollupsRepository(db),
    new AppMetrics(new Registry()),
  );
  await seedCatalog(database);
  const users = await seedUsers(database, 9);

  const results: Record<string, unknown> = {};
  results.oneWriter = await measure('1 writer', () => recordFor(recorder, users[0]!, PLAYS, 1));
  results.eightWriters = await measure('8 writers', () =>
    Promise.all(users.slice(1).map((user, i) => recordFor(recorder, user, PLAYS / 8, i + 2))),
  );
  results.redelivery = await measure('1 writer, all duplicates', () =>
    recordFor(recorder, users[0]!, PLAYS, 1),
  );
  const audit = await new AggregatesAuditRepository(db).findDrift();
  console.log(`verify: ${audit.checked} aggregates checked, ${audit.drift.length} drifted`);
  results.drift = audit.drift.length;

  results.archival = await benchArchival(database, users);
  await database.close();

  const report = {
    engine: 'postgres',
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    plays: PLAYS,
    batch: BATCH,
    results,
  };
  await mkdir('bench/results', { recursive: true });
  const file = `bench/results/recording-postgres-${report.date.slice(0, 10)}.json`;
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written to ${file}`);
}

/** Plays over ten years for one user, shuffled, in batches, through the recording service. */
async function recordFor(recorder: PlayRecorder, userId: number, count: number, seed: number) {
  const next = seededRandom(seed);
  const start = Date.UTC(2016, 0, 1);
  const span = Date.now() - 86_400_000 - start;
  const plays: PlayToRecord[] = Array.from({ length: count }, (_, i) => ({
    trackId: 1 + Math.floor(next() ** 2 * TRACKS),
    playedAt: new Date(start + Math.floor((i / count) * span) + Math.floor(next() * 60_000)),
    msPlayed: next() < 0.15 ? 5_000 : 120_000 + Math.floor(next() * 180_000),
    source: 'spotify_export',
  }));
  let inserted = 0;
  for (let i = 0; i < plays.length; i += BATCH) {
    inserted += (await recorder.record(userId, plays.slice(i, i + BATCH))).inserted;
  }
  return { plays: count, inserted };
}

async function measure<T extends { plays: number } | { plays: number }[]>(
  name: string,
  work: () => Promise<T>,
) {
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const plays = Array.isArray(result) ? result.reduce((n, r) => n + r.plays, 0) : result.plays;
  const playsPerSecond = Math.round(plays / seconds);
  console.log(`${name}: ${plays} plays in ${seconds.toFixed(1)} s = ${playsPerSecond} plays/s`);
  return { plays, seconds: Number(seconds.toFixed(2)), playsPerSecond };
}

/**
 * One month of plays moved to the archive twice on the same rows: the
 * guide's loop (copy 10k rows, delete them by key, commit, repeat) into a
 * plain table, and our partition move.
 */
async function benchArchival(database: Database, users: number[]) {
  const { db } = database;
  const partitions = new PlayHistoryPartitions(db, HOT_MONTHS);
  const month = partitions.hotWindowStart(new Date());
  const monthStart = new Date(Date.UTC(month.year, month.month - 1, 1));
  const fill = () =>
    sql`
      INSERT INTO play_history (user_id, user_track_id, played_at, ms_played, source)
      SELECT ut.user_id, ut.id, ${monthStart}::timestamptz + (g * interval '7 seconds') + (ut.id % 5) * interval '1 second', 180000, 'generator'
      FROM generate_series(0, ${Math.ceil(ARCHIVE_ROWS / users.length / 40)} - 1) g
      JOIN LATERAL (SELECT user_id, id FROM user_track WHERE user_id = ANY(${users}::bigint[]) ORDER BY id LIMIT ${users.length * 40}) ut ON true
      ON CONFLICT DO NOTHING`.execute(db);
  await fill();
  const { rows } = await sql<{
    n: number;
  }>`SELECT count(*)::int AS n FROM ${sql.table(partitionOf(month))}`.execute(db);
  const rowCount = rows[0]!.n;
  await sql`ANALYZE play_history`.execute(db);

  await sql`CREATE TABLE guide_archive (LIKE play_history INCLUDING DEFAULTS)`.execute(db);
  const guideStarted = performance.now();
  for (;;) {
    const moved = await db.transaction().execute(async (trx) => {
      const batch = await sql<{ user_id: number; user_track_id: number; played_at: Date }>`
        SELECT user_id, user_track_id, played_at FROM play_history
        WHERE played_at >= ${monthStart} AND played_at < ${monthStart}::timestamptz + interval '1 month'
        LIMIT 10000`.execute(trx);
      if (batch.rows.length === 0) return 0;
      const keys = sql`unnest(${batch.rows.map((r) => r.user_id)}::bigint[], ${batch.rows.map((r) => r.user_track_id)}::bigint[], ${batch.rows.map((r) => r.played_at)}::timestamptz[]) AS k(user_id, user_track_id, played_at)`;
      await sql`INSERT INTO guide_archive SELECT h.* FROM play_history h JOIN ${keys}
        ON h.user_id = k.user_id AND h.user_track_id = k.user_track_id AND h.played_at = k.played_at`.execute(
        trx,
      );
      await sql`DELETE FROM play_history h USING ${keys}
        WHERE h.user_id = k.user_id AND h.user_track_id = k.user_track_id AND h.played_at = k.played_at`.execute(
        trx,
      );
      return batch.rows.length;
    });
    if (moved === 0) break;
  }
  const guideSeconds = (performance.now() - guideStarted) / 1000;

  await fill();
  const later = monthFromIndex(monthIndex(month) + HOT_MONTHS);
  const oursStarted = performance.now();
  const { moved } = await new PlayHistoryArchiver(db, partitions).archive(
    new Date(Date.UTC(later.year, later.month - 1, 15)),
  );
  const oursSeconds = (performance.now() - oursStarted) / 1000;
  console.log(
    `archival of ${rowCount} rows (one month): guide loop ${guideSeconds.toFixed(2)} s, partition move ${(oursSeconds * 1000).toFixed(1)} ms (${moved.join(', ')})`,
  );
  return {
    rows: rowCount,
    guideLoopSeconds: Number(guideSeconds.toFixed(3)),
    partitionMoveMs: Number((oursSeconds * 1000).toFixed(1)),
    ratio: Number((oursSeconds / guideSeconds).toFixed(5)),
  };
}

const partitionOf = (m: { year: number; month: number }) =>
  `play_history_${m.year}_${String(m.month).padStart(2, '0')}`;

async function seedCatalog(database: Database) {
  await sql`INSERT INTO artist (name, sort_name, spotify_id)
    SELECT 'Artist ' || g, 'artist ' || g, 'bench-artist-' || g FROM generate_series(1, 2000) g`.execute(
    database.db,
  );
  await sql`INSERT INTO album (name, sort_name, artist_id, spotify_id)
    SELECT 'Album ' || g, 'album ' || g, 1 + g % 2000, 'bench-album-' || g FROM generate_series(1, 5000) g`.execute(
    database.db,
  );
  await sql`INSERT INTO track (name, sort_name, artist_id, album_id, duration_ms, spotify_id)
    SELECT 'Track ' || g, 'track ' || g, 1 + (g % 5000) % 2000, 1 + g % 5000, 200000, 'bench-track-' || g
    FROM generate_series(1, ${TRACKS}) g`.execute(database.db);
  await sql`ANALYZE`.execute(database.db);
}

async function seedUsers(database: Database, count: number): Promise<number[]> {
  const users = new UsersRepository(database.db);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await users.ensure(`bench${i}`)).id);
  return ids;
}

async function freshDatabase(name: string): Promise<Database> {
  const database = openPostgres(await recreateDatabase(name), 12);
  await new Migrator(database.db).migrate();
  await new PlayHistoryPartitions(database.db, HOT_MONTHS).ensure();
  return database;
}

await main();
