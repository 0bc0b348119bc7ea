import { sql } from 'kysely';
import { beforeAll, expect, it, vi } from 'vitest';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { findCommand } from '../src/cli/commands.js';
import { partitionName, PlayHistoryPartitions } from '../src/db/partitions.js';
import { PlayRecorder } from '../src/history/play-recorder.service.js';
import { JobsService } from '../src/jobs/jobs.service.js';
import {
  HOT_TABLES,
  MAINTENANCE_JOB,
  MaintenanceService,
} from '../src/ops/database/maintenance.service.js';
import type { MaintenanceReport } from '../src/ops/database/maintenance.types.js';
import { TableStatisticsService } from '../src/ops/database/table-statistics.service.js';
import { createTestApp, useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newTrack, newUser } from './support/factories.js';

describeEachEngine('database maintenance', (t) => {
  const server = useTestApp(t);

  const maintain = async () =>
    (await runCommand(
      createCommandContext((type) => server.app.get(type, { strict: false }), undefined),
      'db.maintain',
      {},
    )) as MaintenanceReport;
  const indexBytes = async (name: string) => {
    const { rows } = await sql<{ bytes: number }>`
      SELECT pg_relation_size(${name}::regclass)::float8 AS bytes`.execute(t.db);
    return rows[0]!.bytes;
  };
  /** Parents with statistics of their own: only an explicit ANALYZE of the parent makes them. */
  const analyzedParents = async () => {
    const { rows } = await sql<{ tablename: string }>`
      SELECT DISTINCT tablename FROM pg_stats
      WHERE inherited AND tablename IN ('play_history', 'play_history_archive')
      ORDER BY tablename`.execute(t.db);
    return rows.map((row) => row.tablename);
  };

  beforeAll(async () => {
    // a play in each history table, so their parents have statistics to gather
    const user = await newUser(t.db);
    const { track } = await newTrack(t.db);
    const recent = new Date();
    recent.setUTCDate(recent.getUTCDate() - 1);
    await server.app.get(PlayRecorder).record(user.id, [
      { trackId: track.id, playedAt: recent, msPlayed: 200_000, source: 'spotify_export' },
      {
        trackId: track.id,
        playedAt: new Date('2015-03-01T12:00:00Z'),
        msPlayed: 200_000,
        source: 'spotify_export',
      },
    ]);
  });

  it('analyzes partitioned parents after a bulk load, for whoever loaded it', async () => {
    expect(await analyzedParents()).toEqual([]);
    await server.app
      .get(TableStatisticsService)
      .analyzeAfterBulkLoad(['play_history', 'play_history_archive', 'user_track']);
    expect(await analyzedParents()).toEqual(['play_history', 'play_history_archive']);
  });

  it('analyzes between the batches of a load only the tables that doubled since their statistics', async () => {
    const statistics = server.app.get(TableStatisticsService);
    const estimatedRows = async (table: string) => {
      const { rows } = await sql<{ rows: number }>`
        SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = ${table}::regclass`.execute(
        t.db,
      );
      return rows[0]!.rows;
    };
    await statistics.analyzeAfterBulkLoad(['artist', 'genre']);
    const before = await estimatedRows('artist');
    await sql`INSERT INTO artist (name, sort_name)
      SELECT 'grown ' || g, 'grown ' || g FROM generate_series(1, 1500) g`.execute(t.db);
    await sql`INSERT INTO genre (name, sort_name) VALUES ('one more', 'one more')`.execute(t.db);
    // written rows reach the statistics system when the writing session goes idle, a second late at most
    await vi.waitFor(
      async () => expect(await statistics.analyzeGrown(['artist', 'genre'])).toEqual(['artist']),
      {
        timeout: 5_000,
        interval: 200,
      },
    );
    expect(await estimatedRows('artist')).toBe(before + 1500);
    expect(await statistics.analyzeGrown(['artist', 'genre'])).toEqual([]);
  });

  it('vacuums the hot tables and analyzes the partitioned parents', async () => {
    const report = await maintain();
    expect(report.failed).toEqual([]);
    expect(report).toMatchObject({
      engine: t.engine,
      partitionsCreated: [],
      archived: [],
      vacuumed: [...HOT_TABLES],
      analyzed: ['play_history_archive'],
    });
    const { rows } = await sql<{ relname: string; vacuumed: Date | null; analyzed: Date | null }>`
      SELECT relname, last_vacuum AS vacuumed, last_analyze AS analyzed
      FROM pg_stat_user_tables WHERE relname = ANY(${['user_track', 'user_album']})
      ORDER BY relname`.execute(t.db);
    expect(rows).toEqual([
      { relname: 'user_album', vacuumed: expect.any(Date), analyzed: expect.any(Date) },
      { relname: 'user_track', vacuumed: expect.any(Date), analyzed: expect.any(Date) },
    ]);
  });

  it(
    t.engine === 'postgres'
      ? 'rebuilds an index past 30% estimated bloat, concurrently, and only that one'
      : 'leaves REINDEX to the server, and says which index it would rebuild',
    async () => {
      // 2.2 MB of index, 90% of whose entries are then deleted; a healthy one of the same size beside it
      await sql`CREATE TABLE ops_bloated (n int NOT NULL)`.execute(t.db);
      await sql`CREATE INDEX ops_bloated_n ON ops_bloated (n)`.execute(t.db);
      await sql`INSERT INTO ops_bloated SELECT generate_series(1, 100000)`.execute(t.db);
      await sql`DELETE FROM ops_bloated WHERE n % 10 <> 0`.execute(t.db);
      await sql`CREATE TABLE ops_healthy AS SELECT generate_series(1, 100000) AS n`.execute(t.db);
      await sql`CREATE INDEX ops_healthy_n ON ops_healthy (n)`.execute(t.db);
      await sql`ANALYZE ops_bloated, ops_healthy`.execute(t.db);
      const before = await indexBytes('ops_bloated_n');
      expect(before).toBeGreaterThan(1024 * 1024);

      const report = await maintain();

      expect(report.failed).toEqual([]);
      if (t.engine === 'pglite') {
        expect(report.reindexed).toEqual([]);
        expect(report.skipped).toEqual([
          {
            step: 'reindex',
            reason: expect.stringContaining('PostgreSQL server only'),
            targets: ['public.ops_bloated_n'],
          },
        ]);
        expect(await indexBytes('ops_bloated_n')).toBe(before);
        return;
      }
      expect(report.skipped).toEqual([]);
      expect(report.reindexed).toEqual([
        {
          schema: 'public',
          table: 'ops_bloated',
          index: 'ops_bloated_n',
          bloatPercent: expect.any(Number),
          bytesBefore: before,
          bytesAfter: await indexBytes('ops_bloated_n'),
        },
      ]);
      expect(report.reindexed[0]!.bloatPercent).toBeGreaterThan(80);
      expect(report.reindexed[0]!.bytesAfter).toBeLessThan(before / 4);
      // the swap left one valid index, no half-built copy
      const { rows } = await sql<{ name: string; valid: boolean }>`
        SELECT c.relname AS name, x.indisvalid AS valid FROM pg_index x
        JOIN pg_class c ON c.oid = x.indexrelid
        WHERE x.indrelid = 'ops_bloated'::regclass`.execute(t.db);
      expect(rows).toEqual([{ name: 'ops_bloated_n', valid: true }]);
      // rebuilt once: the next run finds nothing to do
      expect((await maintain()).reindexed).toEqual([]);
    },
  );

  it('creates partitions ahead and archives old months through the history services', async () => {
    const partitions = server.app.get(PlayHistoryPartitions);
    const now = new Date();
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 2, 15));
    const oldestHot = partitions.hotWindowStart(now);

    const report = await server.app.get(MaintenanceService).maintain({ now: later });

    expect(report.failed).toEqual([]);
    expect(report.partitionsCreated).toHaveLength(2);
    expect(report.archived).toHaveLength(2);
    expect(report.archived[0]).toBe(partitionName(oldestHot));
    const archive = (await partitions.list()).filter((p) => p.table === 'play_history_archive');
    expect(archive.map((p) => p.name)).toEqual(expect.arrayContaining(report.archived));
  });

  it('renders what it did for people, and exits 1 on a failed step', () => {
    const command = findCommand('db.maintain')!;
    const report: MaintenanceReport = {
      engine: 'postgres',
      startedAt: new Date().toISOString(),
      seconds: 0.5,
      partitionsCreated: ['play_history_2030_01'],
      archived: [],
      vacuumed: ['user_track'],
      analyzed: ['play_history_archive'],
      reindexed: [
        {
          schema: 'public',
          table: 'ops_bloated',
          index: 'ops_bloated_n',
          bloatPercent: 89.5,
          bytesBefore: 2_260_992,
          bytesAfter: 245_760,
        },
      ],
      skipped: [],
      failed: [{ step: 'vacuum', target: 'user_album', error: 'canceling statement' }],
    };
    const text = command.render(report);
    expect(text).toContain('History partitions created: play_history_2030_01');
    expect(text).toContain('Archived: none');
    expect(text).toMatch(/^public\.ops_bloated_n +ops_bloated +89\.5% +2\.2 MB +240\.0 kB$/m);
    expect(text).toContain('FAILED vacuum user_album: canceling statement');
    expect(command.failed(report)).toBe(true);
    expect(command.failed({ ...report, failed: [] })).toBe(false);
  });

  it('is scheduled weekly on pg-boss and runs as a job', async () => {
    const app = await createTestApp(t.database, { jobsEnabled: false });
    try {
      const jobs = app.get(JobsService);
      await jobs.start();
      expect(await jobs.schedules()).toContainEqual({ name: MAINTENANCE_JOB, cron: '23 4 * * 0' });
    } finally {
      await app.close();
    }
    const lastVacuum = async () => {
      const { rows } = await sql<{ at: Date }>`
        SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = 'user_track'`.execute(
        t.db,
      );
      return rows[0]!.at.getTime();
    };
    const before = await lastVacuum();
    await server.app.get(JobsService).run(MAINTENANCE_JOB);
    expect(await lastVacuum()).toBeGreaterThan(before);
  });
});
