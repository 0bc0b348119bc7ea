import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { LocalUserService } from '../src/auth/local-user.service.js';
import { ExportImportService } from '../src/imports/export-import.service.js';
import { StatsAuditService } from '../src/stats/stats-audit.service.js';
import { createTestApp } from './support/app.js';
import { describeEngines, withTestDatabase } from './support/databases.js';

const fixtures = path.resolve(import.meta.dirname, 'fixtures/spotify-export');
const work = mkdtempSync(path.join(tmpdir(), 'spotlib-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface AccountRow {
  endTime: string;
  artistName: string;
  trackName: string;
  msPlayed: number;
}
const accountRows = JSON.parse(
  readFileSync(path.join(fixtures, 'StreamingHistory_music_1.json'), 'utf8'),
) as AccountRow[];

/** The same plays as the account data, as the extended export states them (seconds, end time). */
function extendedTwinOfAccountData(): string {
  const file = path.join(work, 'twin', 'Streaming_History_Audio_2024.json');
  const rows = accountRows.map((r, i) => ({
    ts: `${r.endTime.replace(' ', 'T')}:${String(10 + (i % 40)).padStart(2, '0')}Z`,
    ms_played: r.msPlayed,
    master_metadata_track_name: r.trackName,
    master_metadata_album_artist_name: r.artistName,
    master_metadata_album_album_name: null,
    spotify_track_uri: null,
    reason_start: 'trackdone',
    reason_end: 'trackdone',
  }));
  execFileSync('mkdir', ['-p', path.dirname(file)]);
  writeFileSync(file, JSON.stringify(rows));
  return file;
}

describeEngines('importing the Spotify export', (engine) => {
  const run = (
    test: (
      importer: (paths: string[]) => ReturnType<ExportImportService['importPaths']>,
      verify: () => Promise<number>,
      /** rows in the user's history: plays and skips */
      historyRows: () => Promise<number>,
      /** the user's history rows by source */
      historySources: () => Promise<Record<string, number>>,
    ) => Promise<void>,
    options: { importChunkRows?: number } = {},
  ) =>
    withTestDatabase(engine, async (database) => {
      const app = await createTestApp(database, options);
      try {
        const user = await app.get(LocalUserService).get();
        await test(
          (paths) => app.get(ExportImportService).importPaths(user, paths),
          async () => (await app.get(StatsAuditService).verify()).drift,
          async () => {
            const { rows } = await sql<{ n: number }>`
              SELECT (SELECT count(*) FROM play_history WHERE user_id = ${user.id})::int
                + (SELECT count(*) FROM play_history_archive WHERE user_id = ${user.id})::int AS n`.execute(
              database.db,
            );
            return rows[0]!.n;
          },
          async () => {
            const { rows } = await sql<{ source: string; n: number }>`
              SELECT source::text, count(*)::int AS n FROM (
                SELECT source FROM play_history WHERE user_id = ${user.id}
                UNION ALL SELECT source FROM play_history_archive WHERE user_id = ${user.id}) h
              GROUP BY source`.execute(database.db);
            return Object.fromEntries(rows.map((r) => [r.source, r.n]));
          },
        );
      } finally {
        await app.close();
      }
    });

  it('imports real export files once, counting what is not music or not a play', () =>
    run(async (importPaths, drift) => {
      const first = await importPaths([fixtures]);
      const extended = JSON.parse(
        readFileSync(path.join(fixtures, 'Streaming_History_Audio_2022.json'), 'utf8'),
      ) as { ms_played: number }[];
      const video = JSON.parse(
        readFileSync(path.join(fixtures, 'Streaming_History_Video_2026.json'), 'utf8'),
      ) as unknown[];
      const music = [...extended.map((r) => r.ms_played), ...accountRows.map((r) => r.msPlayed)];
      expect(first).toMatchObject({
        files: 4,
        rowsRead: extended.length + video.length + accountRows.length + 50,
        nonMusic: video.length,
        belowThreshold: music.filter((ms) => ms < 30_000).length,
        libraryTracks: 50,
        errors: [],
      });
      const plays = music.filter((ms) => ms >= 30_000).length;
      expect(first.playsInserted + first.duplicatesSkipped).toBe(plays);
      // every row lands in one count
      const landed = (s: typeof first) =>
        s.playsInserted + s.duplicatesSkipped + s.belowThreshold + s.nonMusic + s.libraryTracks;
      expect(landed(first)).toBe(first.rowsRead);
      expect(await drift()).toBe(0);

      const again = await importPaths([fixtures]);
      expect(again).toMatchObject({ playsInserted: 0, duplicatesSkipped: plays });
      expect(landed(again)).toBe(again.rowsRead);
      expect(await drift()).toBe(0);
    }));

  it('counts plays in both the extended and the account export once, in either order', async () => {
    const twin = extendedTwinOfAccountData();
    const account = path.join(fixtures, 'StreamingHistory_music_1.json');
    const totals: number[] = [];
    for (const order of [
      [twin, account],
      [account, twin],
    ]) {
      await run(async (importPaths, drift, historyRows) => {
        let inserted = 0;
        for (const file of order) inserted += (await importPaths([file])).playsInserted;
        totals.push(inserted);
        expect(await historyRows()).toBe(accountRows.length);
        expect(await drift()).toBe(0);
      });
    }
    // Every account row is one play or skip, stated twice: each counts once, whichever came first.
    const plays = accountRows.filter((r) => r.msPlayed >= 30_000).length;
    expect(totals).toEqual([plays, plays]);
  });

  it('keeps the precise record of a play both exports state in one import, however small its windows', () =>
    run(
      async (importPaths, drift, historyRows, historySources) => {
        // as Spotify names them: the account data's folder sorts first
        const folder = path.join(work, `both-exports-${engine}`);
        cpSync(
          path.dirname(extendedTwinOfAccountData()),
          path.join(folder, 'Spotify Extended Streaming History'),
          { recursive: true },
        );
        cpSync(
          path.join(fixtures, 'StreamingHistory_music_1.json'),
          path.join(folder, 'Spotify Account Data', 'StreamingHistory_music_0.json'),
        );
        const summary = await importPaths([folder]);
        expect(summary.fileKinds.map((f) => path.basename(f.file))).toEqual([
          'Streaming_History_Audio_2024.json',
          'StreamingHistory_music_0.json',
        ]);
        expect(await historyRows()).toBe(accountRows.length);
        expect(await historySources()).toEqual({ spotify_export: accountRows.length });
        expect(await drift()).toBe(0);
      },
      { importChunkRows: 20 },
    ));

  it("counts one minute's two plays once each when the account data's files part them", () =>
    run(
      async (importPaths, drift, historyRows) => {
        const folder = path.join(work, `parted-minute-${engine}`);
        execFileSync('mkdir', ['-p', folder]);
        const twice = (msPlayed: number) => ({
          endTime: '2024-01-01 00:00',
          artistName: 'Parted',
          trackName: 'One Minute',
          msPlayed,
        });
        const files = [
          [...accountRows.slice(0, 100), twice(100_000)],
          [twice(100_001), ...accountRows.slice(100)],
        ];
        files.forEach((rows, n) =>
          writeFileSync(
            path.join(folder, `StreamingHistory_music_${n}.json`),
            JSON.stringify(rows),
          ),
        );
        const plays = accountRows.filter((r) => r.msPlayed >= 30_000).length + 2;
        expect(await importPaths([folder])).toMatchObject({ playsInserted: plays, errors: [] });
        expect(await historyRows()).toBe(accountRows.length + 2);
        expect(await drift()).toBe(0);
        // the same rows in other files: nothing new
        const copy = path.join(folder, 'copy');
        execFileSync('mkdir', ['-p', copy]);
        writeFileSync(
          path.join(copy, 'StreamingHistory_music_0.json'),
          JSON.stringify(files.flat()),
        );
        expect(await importPaths([copy])).toMatchObject({
          playsInserted: 0,
          duplicatesSkipped: plays,
        });
        expect(await historyRows()).toBe(accountRows.length + 2);
      },
      { importChunkRows: 20 },
    ));

  it('counts a song Spotify knows under two ids once when the account data states its plays too', async () => {
    // a single and its album version: one name, two ids, played in turn
    const folder = path.join(work, `two-ids-${engine}`);
    execFileSync('mkdir', ['-p', folder]);
    const ids = ['1111111111111111111111', '2222222222222222222222'];
    const ends = Array.from({ length: 20 }, (_, i) => Date.UTC(2024, 4, 1, 8, 0, 37) + i * 241_000);
    const extended = path.join(folder, 'Streaming_History_Audio_2024.json');
    writeFileSync(
      extended,
      JSON.stringify(
        ends.map((end, i) => ({
          ts: new Date(end).toISOString().replace('.000', ''),
          ms_played: 200_000 + i,
          master_metadata_track_name: 'Twice Released',
          master_metadata_album_artist_name: 'The Versions',
          master_metadata_album_album_name: i % 2 ? 'The Album' : 'The Single',
          spotify_track_uri: `spotify:track:${ids[i % 2]}`,
        })),
      ),
    );
    const account = path.join(folder, 'StreamingHistory_music_0.json');
    writeFileSync(
      account,
      JSON.stringify(
        ends.map((end, i) => ({
          endTime: new Date(end).toISOString().slice(0, 16).replace('T', ' '),
          artistName: 'The Versions',
          trackName: 'Twice Released',
          msPlayed: 200_000 + i,
        })),
      ),
    );
    for (const order of [
      [extended, account],
      [account, extended],
    ]) {
      await run(async (importPaths, drift) => {
        let inserted = 0;
        for (const file of order) inserted += (await importPaths([file])).playsInserted;
        expect(inserted).toBe(ends.length);
        expect(await drift()).toBe(0);
      });
    }
  });

  it('reads the export zip as Spotify sends it', () =>
    run(async (importPaths) => {
      const folder = path.join(work, `zip-${engine}`, 'Spotify Extended Streaming History');
      cpSync(
        path.join(fixtures, 'Streaming_History_Audio_2022.json'),
        path.join(folder, 'Streaming_History_Audio_2022.json'),
      );
      writeFileSync(path.join(folder, 'ReadMeFirst.pdf'), 'not json');
      const zip = path.join(work, `zip-${engine}`, 'my_spotify_data.zip');
      execFileSync('python3', [
        '-c',
        'import shutil,sys; shutil.make_archive(sys.argv[1][:-4], "zip", sys.argv[2])',
        zip,
        path.dirname(folder),
      ]);
      const summary = await importPaths([zip]);
      expect(summary).toMatchObject({ files: 1, rowsRead: 35, errors: [] });
      expect(summary.playsInserted).toBeGreaterThan(0);
    }));

  it('reads older export names, both offline_timestamp units, unsorted and repeated rows', () =>
    run(async (importPaths, drift) => {
      const folder = path.join(work, `old-names-${engine}`);
      execFileSync('mkdir', ['-p', folder]);
      const row = (ts: string, msPlayed: number, track: string | null, extra: object = {}) => ({
        ts,
        username: 'redacted',
        ms_played: msPlayed,
        master_metadata_track_name: track,
        master_metadata_album_artist_name: track && 'Portishead',
        master_metadata_album_album_name: track && 'Dummy',
        spotify_track_uri: track && `spotify:track:${track.padEnd(22, '0')}`,
        episode_name: null,
        spotify_episode_uri: null,
        reason_start: 'trackdone',
        reason_end: 'trackdone',
        skipped: null,
        offline: false,
        ...extra,
      });
      const roads = row('2019-03-01T12:05:30Z', 200_000, 'Roads', {
        offline_timestamp: 1_551_441_930_000, // milliseconds, as older exports wrote it
      });
      writeFileSync(
        path.join(folder, 'endsong_0.json'),
        JSON.stringify([
          roads,
          row('2019-03-01T11:00:10Z', 180_000, 'Sour'),
          roads, // an exact repeat
          row('2019-03-01T13:00:00Z', 10_000, 'Roads'), // too short to be a play: a skip
          row('2019-03-02T09:00:00Z', 150_000, null, {
            master_metadata_track_name: 'Local Song',
            master_metadata_album_artist_name: 'Me',
          }), // a local file: no URI
          row('2019-03-02T10:00:00Z', 1_800_000, null, {
            episode_name: 'An episode',
            spotify_episode_uri: 'spotify:episode:0000000000000000000000',
          }),
        ]),
      );
      writeFileSync(
        path.join(folder, 'Streaming_History_Audio_2023.json'),
        JSON.stringify([
          row('2023-06-01T08:00:00Z', 240_000, 'Glory', { offline_timestamp: 1_685_606_160 }),
        ]),
      );
      writeFileSync(
        path.join(folder, 'StreamingHistory0.json'),
        JSON.stringify([
          {
            endTime: '2019-03-01 12:05',
            artistName: 'Portishead',
            trackName: 'Roads',
            msPlayed: 200_000,
          },
          {
            endTime: '2019-03-03 10:00',
            artistName: 'Me',
            trackName: 'Local Song',
            msPlayed: 150_000,
          },
        ]),
      );

      const summary = await importPaths([folder]);
      // the account data last, whatever the names' order
      expect(summary.fileKinds.map((f) => [path.basename(f.file), f.kind, f.rows])).toEqual([
        ['Streaming_History_Audio_2023.json', 'extended', 1],
        ['endsong_0.json', 'extended', 6],
        ['StreamingHistory0.json', 'account_music', 2],
      ]);
      expect(summary).toMatchObject({
        files: 3,
        rowsRead: 9,
        // Roads, Sour, Local Song twice, Glory (the short Roads is a skip, below the threshold)
        playsInserted: 5,
        // the repeated row, and the account data's Roads that the extended export states again
        duplicatesSkipped: 2,
        belowThreshold: 1,
        nonMusic: 1,
        invalidRows: 0,
        unresolvedTracks: 1,
        errors: [],
      });
      expect(await drift()).toBe(0);
      expect((await importPaths([folder])).playsInserted).toBe(0);
    }));

  it('names every bad file and where it broke, and imports the rest', () =>
    run(async (importPaths, drift) => {
      const folder = path.join(work, `bad-${engine}`);
      const good = readFileSync(path.join(fixtures, 'Streaming_History_Audio_2022.json'));
      execFileSync('mkdir', ['-p', folder]);
      writeFileSync(path.join(folder, 'a_good.json'), good);
      writeFileSync(path.join(folder, 'b_truncated.json'), good.subarray(0, good.length / 2));
      writeFileSync(path.join(folder, 'c_other.json'), '{"settings": true}');
      const summary = await importPaths([folder, path.join(work, 'missing.zip')]);
      expect(summary.errors).toEqual([
        { file: path.join(work, 'missing.zip'), message: 'no such file or folder' },
        {
          file: path.join(folder, 'b_truncated.json'),
          message: expect.stringMatching(/b_truncated\.json: .*after row \d+, near byte \d+/),
        },
        { file: path.join(folder, 'c_other.json'), message: 'not a Spotify export file' },
      ]);
      // The truncated file's rows before the break were the good file's rows again.
      expect(summary.playsInserted).toBeGreaterThan(0);
      expect(await drift()).toBe(0);
    }));

  it('skips rows that cannot be plays and names the first; counts a row stated twice once', () =>
    run(async (importPaths, drift, historyRows) => {
      const folder = path.join(work, `rows-${engine}`);
      for (const copy of ['a', 'b']) execFileSync('mkdir', ['-p', path.join(folder, copy)]);
      const row = (ts: string, ms_played: number) => ({
        ts,
        ms_played,
        master_metadata_track_name: 'Plausible',
        master_metadata_album_artist_name: 'Range Checker',
        spotify_track_uri: 'spotify:track:0000000000000000000042',
      });
      const extended = [
        row('2024-03-01T10:00:00Z', 200_000),
        row('2005-03-01T10:00:00Z', 200_000),
        row('2024-03-01T11:00:00Z', 200_000),
        row('2024-03-01T12:00:00Z', 13 * 3_600_000),
        row('2024-03-01T13:00:00Z', 200_000),
      ];
      const history = path.join(folder, 'Streaming_History_Audio_2024.json');
      writeFileSync(history, JSON.stringify(extended));
      // the account rows with some stated twice, in two copies of the file
      const account = JSON.stringify([...accountRows, ...accountRows.slice(0, 10)]);
      for (const copy of ['a', 'b']) {
        writeFileSync(path.join(folder, copy, 'StreamingHistory_music_0.json'), account);
      }
      writeFileSync(path.join(folder, 'StreamingHistory_podcast_0.json'), '[]');
      writeFileSync(
        path.join(folder, 'YourLibrary.json'),
        `\uFEFF${JSON.stringify({ tracks: [{ artist: 'Range Checker', album: 'R', track: 'Plausible', uri: 'spotify:track:0000000000000000000042' }] })}`,
      );

      const summary = await importPaths([folder]);
      const secondRow = JSON.stringify(extended.slice(0, 2)).length - 1;
      expect(summary.errors).toEqual([
        {
          file: history,
          message: `2 row(s) skipped as invalid; the first, row 2 (near byte ${secondRow}): the play ended before 2008`,
        },
      ]);
      const distinct = (rows: AccountRow[]) => new Set(rows.map((r) => JSON.stringify(r))).size;
      expect(summary).toMatchObject({ invalidRows: 2, libraryTracks: 1, files: 5 });
      expect(summary.playsInserted).toBe(
        3 + distinct(accountRows.filter((r) => r.msPlayed >= 30_000)),
      );
      expect(await historyRows()).toBe(3 + distinct(accountRows));
      expect(await drift()).toBe(0);

      // read again, not known by its fingerprint: the error names the rows again
      const again = await importPaths([history]);
      expect(again).toMatchObject({ filesAlreadyImported: 0, invalidRows: 2, playsInserted: 0 });
      expect(again.errors).toEqual(summary.errors);
    }));

  it('names a zip entry that cannot be inflated and a file that is no zip, and imports the rest', () =>
    run(async (importPaths, drift) => {
      const folder = path.join(work, `bad-zip-${engine}`);
      execFileSync('mkdir', ['-p', folder]);
      const zip = path.join(folder, 'my_spotify_data.zip');
      // the first entry's deflated bytes scrambled; the central directory intact
      execFileSync('python3', [
        '-c',
        `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    z.write(sys.argv[2], 'a_broken.json'); z.write(sys.argv[3], 'b_good.json')
data = bytearray(open(sys.argv[1], 'rb').read())
for i in range(200, 260): data[i] ^= 0x5a
open(sys.argv[1], 'wb').write(data)`,
        zip,
        path.join(fixtures, 'Streaming_History_Audio_2022.json'),
        path.join(fixtures, 'StreamingHistory_music_1.json'),
      ]);
      writeFileSync(path.join(folder, 'old.zip'), 'not a zip');
      const summary = await importPaths([folder]);
      expect(summary.errors).toEqual([
        { file: path.join(folder, 'old.zip'), message: expect.stringMatching(/central directory/) },
        {
          file: `${zip}:a_broken.json`,
          message: expect.stringMatching(
            /a_broken\.json: could not be read: .*after row 0, near byte 0/,
          ),
        },
      ]);
      expect(summary).toMatchObject({ files: 1, rowsRead: 200 });
      expect(summary.playsInserted).toBeGreaterThan(0);
      expect(await drift()).toBe(0);
    }));
});
