import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { ExportImportService } from '../src/imports/export-import.service.js';
import { ImportsService, type ImportStatus } from '../src/imports/imports.service.js';
import { writeExtendedHistory } from '../src/generator/extended-history-files.js';
import { AggregatesAuditRepository } from '../src/stats/aggregates-audit.repository.js';
import { RollupsRepository } from '../src/stats/rollups.repository.js';
import { createTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';
import { newUser } from './support/factories.js';

const work = mkdtempSync(path.join(tmpdir(), 'spotlib-resume-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const exportDir = path.join(work, 'export');
/** Small chunks: the import commits several times across the three files (a checkpoint at each file's end). */
const importChunkRows = 5_000;
// Three files of several batches each: a shutdown lands in the middle.
beforeAll(() => writeExtendedHistory(exportDir, { rows: 60_000, rowsPerFile: 20_000, seed: 7 }));

const statusOf = (app: Awaited<ReturnType<typeof createTestApp>>, userId: number, id: number) =>
  app.get(ImportsService).status({ id: userId }, id);

async function waitFor(read: () => Promise<ImportStatus>): Promise<ImportStatus> {
  for (let i = 0; i < 1200; i++) {
    const status = await read();
    if (status.status === 'completed' || status.status === 'failed') return status;
    await setTimeout(100);
  }
  throw new Error('the import did not finish');
}

function uploadsOf(dir: string) {
  return readdirSync(dir).map((name) => ({
    filename: name,
    file: createReadStream(path.join(dir, name)),
  })) as unknown as Parameters<ImportsService['upload']>[1];
}

describeEachEngine('the server during an import', (t) => {
  it("keeps answering requests between the import's batches", async () => {
    const dataDir = mkdtempSync(path.join(work, 'data-'));
    const app = await createTestApp(t.database, { dataDir, importChunkRows });
    try {
      const user = await app.get(LocalUserService).get();
      const accepted = await app.get(ImportsService).upload(user, uploadsOf(exportDir));
      // A client polling now and then, as the web app does.
      const answered: number[] = [];
      let whileWriting = 0;
      let status = await statusOf(app, user.id, accepted.id);
      for (let i = 0; i < 3000 && status.status === 'running'; i++) {
        const response = await app.inject({ method: 'GET', url: `/api/history?limit=5` });
        answered.push(response.statusCode);
        status = await statusOf(app, user.id, accepted.id);
        if (status.status === 'running') answered.push(-1); // still importing after the answer
        // answered between two of the import's commits, not only while it read files
        const { items } = response.json<{ items: unknown[] }>();
        if (status.status === 'running' && items.length > 0) whileWriting++;
        await setTimeout(100);
      }
      expect(status.status).toBe('completed');
      // Several requests were answered, whole, while the import was still running.
      expect(answered.filter((code) => code === 200).length).toBeGreaterThan(2);
      expect(answered.filter((code) => code === -1).length).toBeGreaterThan(2);
      expect(answered.every((code) => code === 200 || code === -1)).toBe(true);
      expect(whileWriting).toBeGreaterThan(2);
    } finally {
      await app.close();
    }
  });
});

describeEachEngine('an uploaded import stopped by shutdown', (t) => {
  it('resumes at the next start and ends with the counts of an uninterrupted import', async () => {
    const dataDir = mkdtempSync(path.join(work, 'data-'));
    const user = await newUser(t.db);

    let app = await createTestApp(t.database, { dataDir, importChunkRows });
    const accepted = await app.get(ImportsService).upload(user, uploadsOf(exportDir));
    // Let it commit a few batches, then stop the server under it.
    for (let i = 0; i < 600; i++) {
      const { n } = (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM play_history_archive WHERE user_id = ${user.id}`.execute(
          t.db,
        )
      ).rows[0]!;
      if (n > 0) break;
      await setTimeout(50);
    }
    await app.close();
    const stopped = await t.db
      .selectFrom('import')
      .select(['status', 'upload_dir'])
      .where('id', '=', accepted.id)
      .executeTakeFirstOrThrow();
    expect(stopped.status).toBe('running');
    const folder = path.join(dataDir, 'uploads', stopped.upload_dir!);
    expect(existsSync(folder)).toBe(true);

    app = await createTestApp(t.database, { dataDir, importChunkRows });
    try {
      expect(await app.get(ImportsService).resumeInterrupted()).toBe(1);
      const done = await waitFor(() => statusOf(app, user.id, accepted.id));
      expect(done).toMatchObject({ status: 'completed', error: null });
      expect(await app.get(ImportsService).resumeInterrupted()).toBe(0);

      // The same files imported in one go by another user: the same plays, counted the same.
      const other = await newUser(t.db);
      const uninterrupted = await app.get(ExportImportService).importPaths(other, [exportDir]);
      const count = async (userId: number) =>
        (
          await sql<{ rows: number; counted: number; plays: number }>`
            SELECT (SELECT count(*) FROM play_history_archive WHERE user_id = ${userId})::int
                 + (SELECT count(*) FROM play_history WHERE user_id = ${userId})::int AS rows,
                   (SELECT sum(play_count + skip_count) FROM user_track_stats WHERE user_id = ${userId})::int AS counted,
                   (SELECT sum(play_count) FROM user_track_stats WHERE user_id = ${userId})::int AS plays`.execute(
            t.db,
          )
        ).rows[0]!;
      const counts = await count(other.id);
      expect(counts).toMatchObject({ rows: counts.counted, plays: uninterrupted.playsInserted });
      expect(await count(user.id)).toEqual(counts);
      expect(done.summary!.rowsRead).toBeGreaterThanOrEqual(uninterrupted.rowsRead);
      const audit = app.get(AggregatesAuditRepository);
      expect((await audit.findDrift(user.id)).drift).toEqual([]);
      // A bulk import suspends the rollups and rebuilds them once it ends, interrupted or not.
      const rollups = app.get(RollupsRepository);
      for (const userId of [user.id, other.id]) {
        expect(await rollups.state(userId)).toMatchObject({ ready: true });
        const { checked, drift } = await rollups.findDrift(userId);
        expect(drift).toEqual([]);
        expect(checked).toBeGreaterThan(0);
      }
    } finally {
      await app.close();
    }
    expect(existsSync(folder)).toBe(false); // removed once its import ended
  });
});
