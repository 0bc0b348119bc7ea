import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenService } from '../src/auth/api-token.service.js';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { findCommand } from '../src/cli/commands.js';
import type { DbReport, IndexUsage } from '../src/ops/database/db-report.types.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine, type TestDatabase } from './support/databases.js';
import { newUser, newUserTrack } from './support/factories.js';

/** A table whose first index lost 90% of its rows after it was built, and whose second was built after. */
async function createBloatedScratchTable(t: TestDatabase): Promise<void> {
  await sql`CREATE TABLE ops_scratch (n int NOT NULL, m int NOT NULL)`.execute(t.db);
  await sql`INSERT INTO ops_scratch SELECT g, g FROM generate_series(1, 100000) g`.execute(t.db);
  await sql`CREATE INDEX ops_scratch_n ON ops_scratch (n)`.execute(t.db);
  await sql`DELETE FROM ops_scratch WHERE n % 10 <> 0`.execute(t.db);
  await sql`VACUUM (ANALYZE) ops_scratch`.execute(t.db);
  await sql`CREATE INDEX ops_scratch_m ON ops_scratch (m)`.execute(t.db);
}

const isDescending = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1]! >= v);

describeEachEngine('database report', (t) => {
  const server = useTestApp(t);
  let adminToken: string;
  let userToken: string;
  let userId: number;
  let userTrackId: number;

  beforeAll(async () => {
    const tokens = server.app.get(ApiTokenService);
    const admin = await newUser(t.db);
    await t.db.updateTable('app_user').set({ is_admin: true }).where('id', '=', admin.id).execute();
    adminToken = (await tokens.create(admin)).token;
    const user = await newUser(t.db);
    userToken = (await tokens.create(user)).token;
    userId = user.id;
    userTrackId = (await newUserTrack(t.db, user.id)).id;
  });

  const get = (token: string, query = '') =>
    server.app.inject({
      method: 'GET',
      url: `/api/admin/db${query}`,
      headers: { authorization: `Bearer ${token}` },
    });
  const report = async (query = '') => {
    const response = await get(adminToken, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<DbReport>();
  };

  it('is for administrators only', async () => {
    const refused = await get(userToken);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'forbidden' });
    expect((await get(adminToken)).statusCode).toBe(200);
    expect((await get(adminToken, '?limit=0')).statusCode).toBe(400);
  });

  it('lists tables with their sizes, a partitioned one with its partitions added up', async () => {
    const r = await report();
    expect(r.engine).toBe(t.engine);
    expect(r.databaseBytes).toBeGreaterThan(0);
    const userTrack = r.tables.find((table) => table.table === 'user_track');
    expect(userTrack).toMatchObject({ schema: 'public', partitioned: false, partitions: 0 });
    expect(userTrack!.indexBytes).toBeGreaterThan(0);
    expect(userTrack!.totalBytes).toBeGreaterThanOrEqual(
      userTrack!.tableBytes + userTrack!.indexBytes,
    );
    expect(isDescending(r.tables.map((table) => table.totalBytes))).toBe(true);

    const hot = r.tables.find((table) => table.table === 'play_history');
    const archive = r.tables.find((table) => table.table === 'play_history_archive');
    expect(hot).toMatchObject({ partitioned: true, partitions: r.history.hot.count });
    expect(archive).toMatchObject({ partitioned: true, partitions: r.history.archive.count });
    expect(hot!.totalBytes).toBe(r.history.hot.bytes);
  });

  it('tells hot partitions from archived ones', async () => {
    const { history } = await report();
    expect(history.hot).toMatchObject({ table: 'play_history', first: history.hotWindowStart });
    // the hot window, plus months created ahead
    expect(history.hot.count).toBeGreaterThan(history.hotMonths);
    expect(history.archive).toMatchObject({ table: 'play_history_archive', first: '2008-01' });
    expect(history.archive.last! < history.hotWindowStart).toBe(true);
    expect(history.archive.partitions).toHaveLength(history.archive.count);
    expect(history.dueForArchival).toEqual([]);
    expect(history.interruptedMoves).toEqual([]);
  });

  it('counts the scans of an index that was used, a partitioned index as one', async () => {
    const scansOf = (r: DbReport, index: string) =>
      r.indexes.usage.find((i) => i.index === index)?.scans;
    const before = scansOf(await report(), 'user_track_pkey');
    expect(before).toBeGreaterThanOrEqual(0);
    await t.db.connection().execute(async (connection) => {
      await sql`SET enable_seqscan = off`.execute(connection);
      await sql`SELECT id FROM user_track WHERE user_id = ${userId} AND id = ${userTrackId}`.execute(
        connection,
      );
      // statistics reach the shared counters when the session idles: now, not in a second
      await sql`SELECT pg_stat_force_next_flush()`.execute(connection);
      await sql`RESET enable_seqscan`.execute(connection);
    });
    const r = await report();
    expect(scansOf(r, 'user_track_pkey')).toBeGreaterThan(before!);

    const historyKey = r.indexes.usage.find((i) => i.index === 'play_history_pkey');
    expect(historyKey).toMatchObject({
      table: 'play_history',
      primary: true,
      partitions: r.history.hot.count,
    });
    expect(r.indexes.usage.filter((i) => i.table.startsWith('play_history_2'))).toEqual([]);
  });

  it('lists unused indexes, never a primary key or a unique one', async () => {
    await sql`CREATE INDEX ops_never_used ON user_track (duration_ms)`.execute(t.db);
    const { indexes } = await report();
    const unused = indexes.unused.map((i: IndexUsage) => i.index);
    expect(unused).toContain('ops_never_used');
    expect(unused).not.toContain('user_track_pkey');
    for (const index of indexes.unused) {
      expect(index).toMatchObject({ scans: 0, primary: false, unique: false, schema: 'public' });
    }
    await sql`DROP INDEX ops_never_used`.execute(t.db);
  });

  it('estimates bloat: most of an index is waste once most rows are deleted', async () => {
    await createBloatedScratchTable(t);
    const { bloat } = await report('?limit=100');
    const find = (list: typeof bloat.indexes, name: string) => list.find((r) => r.name === name);
    expect(find(bloat.indexes, 'ops_scratch_n')!.bloatPercent).toBeGreaterThan(80);
    // built on the rows that were left: tight
    expect(find(bloat.indexes, 'ops_scratch_m')?.bloatPercent ?? 0).toBeLessThan(10);
    expect(find(bloat.tables, 'ops_scratch')!.bloatPercent).toBeGreaterThan(70);
    expect(bloat.method).toContain('pgsql-bloat-estimation');
    expect(isDescending(bloat.indexes.map((r) => r.wastedBytes))).toBe(true);
  });

  it('lists the slowest statements, or says how to enable pg_stat_statements', async () => {
    const { statements } = await report('?limit=3');
    const { rows } = await sql<{ libraries: string }>`
      SELECT current_setting('shared_preload_libraries') AS libraries`.execute(t.db);
    if (rows[0]!.libraries.includes('pg_stat_statements')) {
      // PGlite always preloads it; the report creates the view
      if (!statements.available) throw new Error('pg_stat_statements should be available');
      expect(statements.byMeanTime.length).toBeGreaterThan(0);
      expect(statements.byMeanTime.length).toBeLessThanOrEqual(3);
      expect(isDescending(statements.byMeanTime.map((s) => s.meanMs))).toBe(true);
      expect(isDescending(statements.byTotalTime.map((s) => s.totalMs))).toBe(true);
      expect(statements.byTotalTime[0]).toMatchObject({
        query: expect.any(String),
        calls: expect.any(Number),
      });
    } else {
      const preload = expect.stringContaining("shared_preload_libraries = 'pg_stat_statements'");
      expect(statements).toEqual({
        available: false,
        reason: 'not_installed',
        howToEnable: [preload, expect.stringContaining('CREATE EXTENSION pg_stat_statements')],
      });
      // installed, but the server never loaded its library: querying it fails
      await sql`CREATE EXTENSION pg_stat_statements`.execute(t.db);
      try {
        const { statements: notLoaded } = await report();
        expect(notLoaded).toEqual({
          available: false,
          reason: 'not_loaded',
          howToEnable: [preload],
        });
      } finally {
        await sql`DROP EXTENSION pg_stat_statements`.execute(t.db);
      }
    }
  });

  describe('spotlib db report', () => {
    const run = (args: object) =>
      runCommand(
        createCommandContext((type) => server.app.get(type, { strict: false }), undefined),
        'db.report',
        args,
      );

    it('gives the same report, rendered as tables for people', async () => {
      const result = (await run({ limit: '5' })) as DbReport;
      expect(result).toMatchObject({ engine: t.engine, tables: expect.any(Array) });
      // what the CLI prints with --json: one JSON object
      const json = JSON.parse(JSON.stringify(result)) as DbReport;
      const text = findCommand('db.report')!.render(json);
      for (const title of [
        'Slowest statements',
        'Tables, largest first',
        'Index usage, most scanned first',
        'Unused indexes',
        'Index bloat (estimated)',
        'Listening history partitions',
      ]) {
        expect(text).toContain(title);
      }
      expect(text).toMatch(/^user_track +\d+/m);
      expect(text).toMatch(/^play_history +\d+ /m);
      expect(text).toMatch(/^ops_scratch_n +ops_scratch +[\d.]+ MB +\d+\.\d%/m);
    });

    it('refuses a bad --limit', async () => {
      await expect(run({ limit: 'lots' })).rejects.toThrow('limit must be a number');
    });
  });
});
