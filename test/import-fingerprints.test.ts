import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import type { Database } from '../src/db/database.js';
import { ExportImportService, type ImportSummary } from '../src/imports/export-import.service.js';
import { LibraryMembershipService } from '../src/library/library-membership.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { UsersRepository } from '../src/users/users.repository.js';
import { createTestApp } from './support/app.js';
import { describeEngines, withTestDatabase } from './support/databases.js';

const fixtures = path.resolve(import.meta.dirname, 'fixtures/spotify-export');
const audioFile = path.join(fixtures, 'Streaming_History_Audio_2022.json');
const audioRows = JSON.parse(readFileSync(audioFile, 'utf8')) as { ms_played: number }[];
const work = mkdtempSync(path.join(tmpdir(), 'spotlib-fingerprints-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The counts a re-import reports, whichever way it found them. */
const counts = (s: ImportSummary) => ({
  files: s.files,
  rowsRead: s.rowsRead,
  playsInserted: s.playsInserted,
  duplicatesSkipped: s.duplicatesSkipped,
  belowThreshold: s.belowThreshold,
  nonMusic: s.nonMusic,
  invalidRows: s.invalidRows,
  libraryTracks: s.libraryTracks,
  kinds: s.fileKinds.map((f) => [path.basename(f.file), f.kind, f.rows]),
});

/** The same rows in other bytes: the history files of `from`, written with other whitespace. */
function respelled(from: string, name: string): string {
  const folder = path.join(work, name);
  mkdirSync(folder, { recursive: true });
  for (const file of [
    'StreamingHistory_music_1.json',
    'Streaming_History_Audio_2022.json',
    'Streaming_History_Video_2026.json',
  ]) {
    const rows = JSON.parse(readFileSync(path.join(from, file), 'utf8')) as unknown;
    writeFileSync(path.join(folder, file), JSON.stringify(rows, null, 3));
  }
  return folder;
}

describeEngines('importing files imported before', (engine) => {
  const run = (
    test: (context: {
      importPaths: (paths: string[]) => Promise<ImportSummary>;
      drift: () => Promise<number>;
      database: Database;
      userId: number;
      app: Awaited<ReturnType<typeof createTestApp>>;
    }) => Promise<void>,
  ) =>
    withTestDatabase(engine, async (database) => {
      const app = await createTestApp(database);
      try {
        const user = await app.get(LocalUserService).get();
        await test({
          importPaths: (paths) => app.get(ExportImportService).importPaths(user, paths),
          drift: async () => (await app.get(StatsAuditService).verify()).drift,
          database,
          userId: user.id,
          app,
        });
      } finally {
        await app.close();
      }
    });

  it('knows history files by their bytes and reports what reading them again would', () =>
    run(async ({ importPaths, drift }) => {
      const first = await importPaths([fixtures]);
      expect(first.filesAlreadyImported).toBe(0);

      const again = await importPaths([fixtures]);
      // the extended audio and video files and the account data; the library file is read again
      expect(again.filesAlreadyImported).toBe(3);
      expect(again.playsInserted).toBe(0);

      // The same rows in other bytes are read and matched row by row: the same counts.
      const reread = await importPaths([respelled(fixtures, `respelled-${engine}`)]);
      expect(reread.filesAlreadyImported).toBe(0);
      const { kinds: rereadKinds, ...rereadCounts } = counts(reread);
      const { kinds: againKinds, ...againCounts } = counts(again);
      // less the library file (50 tracks), which is not among the respelled ones
      const library = { files: againCounts.files - 1, rowsRead: againCounts.rowsRead - 50 };
      expect({ ...againCounts, ...library, libraryTracks: 0 }).toEqual(rereadCounts);
      expect(againKinds.map(([, kind, rows]) => [kind, rows]).sort()).toEqual(
        [...rereadKinds.map(([, kind, rows]) => [kind, rows]), ['library', 50]].sort(),
      );

      // a copy under another name is the same file
      const copy = path.join(work, `copy-${engine}.json`);
      cpSync(audioFile, copy);
      expect(await importPaths([copy])).toMatchObject({
        filesAlreadyImported: 1,
        rowsRead: audioRows.length,
        playsInserted: 0,
      });
      expect(await drift()).toBe(0);
    }));

  it('reads the files again once plays were deleted, bringing them back', () =>
    run(async ({ importPaths, drift, database, userId, app }) => {
      await importPaths([audioFile]);
      const played = await database.db
        .selectFrom('user_track_stats')
        .select(['user_track_id', 'play_count', 'skip_count'])
        .where('user_id', '=', userId)
        .where('play_count', '>', 0)
        .orderBy('play_count', 'desc')
        .executeTakeFirstOrThrow();
      await app.get(LibraryMembershipService).remove(userId, [played.user_track_id]);

      const again = await importPaths([audioFile]);
      expect(again.filesAlreadyImported).toBe(0);
      expect(again.playsInserted).toBe(played.play_count + played.skip_count);
      expect(await drift()).toBe(0);
      expect((await importPaths([audioFile])).filesAlreadyImported).toBe(1);
    }));

  it('reads a file again under another play threshold, counting by it', () =>
    run(async ({ importPaths, database, userId, app }) => {
      await importPaths([audioFile]);
      await database.db
        .transaction()
        .execute((trx) =>
          app.get(UsersRepository).updateSettings(trx, userId, { playThresholdMs: 90_000 }),
        );
      const below = audioRows.filter((r) => r.ms_played < 90_000).length;
      const again = await importPaths([audioFile]);
      expect(again).toMatchObject({ filesAlreadyImported: 0, belowThreshold: below });
      expect(await importPaths([audioFile])).toMatchObject({
        filesAlreadyImported: 1,
        belowThreshold: below,
      });
    }));

  it('never takes a broken file for known', () =>
    run(async ({ importPaths }) => {
      const good = readFileSync(audioFile);
      const truncated = path.join(work, `truncated-${engine}.json`);
      writeFileSync(truncated, good.subarray(0, good.length / 2));
      const first = await importPaths([truncated]);
      expect(first.errors).toHaveLength(1);
      const again = await importPaths([truncated]);
      expect(again).toMatchObject({ filesAlreadyImported: 0, errors: first.errors });
    }));
});
