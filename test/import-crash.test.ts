import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from './support/databases.js';
import { databaseUrl } from './support/test-env.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'spotlib-crash-'));
const ROWS = 12_000;

/** An extended history file: plays of 3000 tracks over four years, with repeats and skips. */
function generateExport(): string {
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    ts: new Date(Date.UTC(2019, 0, 1) + i * 9_973_000).toISOString().replace('.000', ''),
    ms_played: i % 7 === 0 ? 4_000 : 150_000 + (i % 90) * 1000,
    master_metadata_track_name: `Song ${i % 3000}`,
    master_metadata_album_artist_name: `Band ${i % 300}`,
    master_metadata_album_album_name: `Record ${i % 600}`,
    spotify_track_uri: `spotify:track:${String(i % 3000).padStart(22, 'x')}`,
    reason_start: 'trackdone',
    reason_end: 'trackdone',
  }));
  const file = path.join(work, 'Streaming_History_Audio_2019-2023.json');
  writeFileSync(file, JSON.stringify([...rows, ...rows.slice(0, 500)]));
  return file;
}

describe.skipIf(!postgresAvailable())('an import killed half-way (PostgreSQL)', () => {
  let file: string;
  beforeAll(() => {
    file = generateExport();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const spotlib = (url: string, ...args: string[]) =>
    run(process.execPath, ['dist/cli.js', ...args, '--json'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
    });
  const lastJson = (stdout: string) =>
    JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

  it('ends, when run again, with exactly the counts of an uninterrupted import', async () => {
    const server = inject('testEnvironment').postgres!.url;
    const killed = await createTestDatabase('postgres');
    const whole = await createTestDatabase('postgres');
    const urlOf = async (d: typeof killed) =>
      databaseUrl(
        server,
        ((await d.database.executeSql('SELECT current_database() AS n')).rows[0] as { n: string })
          .n,
      );
    try {
      const killedUrl = await urlOf(killed);
      const child = spawn(process.execPath, ['dist/cli.js', 'import', file, '--json'], {
        cwd: root,
        // several commits in one file, so the kill lands between two of them
        env: { ...process.env, DATABASE_URL: killedUrl, IMPORT_CHUNK_ROWS: '2000' },
      });
      // Kill it once some batches are in, mid-way.
      for (let i = 0; i < 200; i++) {
        await setTimeout(100);
        const { rows } = await killed.database.executeSql(
          'SELECT count(*)::int AS n FROM play_history_archive',
        );
        if ((rows[0] as { n: number }).n >= 3000) break;
      }
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const partial = (
        await killed.database.executeSql(
          'SELECT count(*)::int AS n, (count(*) FILTER (WHERE NOT skipped))::int AS plays FROM play_history_archive',
        )
      ).rows[0] as { n: number; plays: number };
      expect(partial.n).toBeGreaterThan(0);
      expect(partial.n).toBeLessThan(ROWS);
      expect(lastJson((await spotlib(killedUrl, 'stats', 'verify')).stdout)).toMatchObject({
        drift: 0,
      });

      const resumed = lastJson((await spotlib(killedUrl, 'import', file)).stdout);
      const uninterrupted = lastJson((await spotlib(await urlOf(whole), 'import', file)).stdout);
      expect(resumed.playsInserted as number).toBe(
        (uninterrupted.playsInserted as number) - partial.plays,
      );

      const totals = async (d: typeof killed) =>
        (
          await d.database.executeSql(`
          SELECT count(*)::int AS plays, (SELECT sum(play_count)::int FROM user_track_stats) AS counted,
                 (SELECT sum(skip_count)::int FROM user_track_stats) AS skips
          FROM play_history_archive`)
        ).rows[0];
      expect(await totals(killed)).toEqual(await totals(whole));
      expect(lastJson((await spotlib(killedUrl, 'stats', 'verify')).stdout)).toMatchObject({
        drift: 0,
      });
    } finally {
      await killed.drop();
      await whole.drop();
    }
  }, 180_000);
});
