import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { z } from 'zod';
import { createCommandContext, runCommand } from '../src/cli/command-context.js';
import { useTestApp } from './support/app.js';
import { describeEachEngine } from './support/databases.js';

const work = mkdtempSync(path.join(tmpdir(), 'spotlib-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const timing = z.object({
  name: z.string().regex(/^[a-z0-9_.]+$/),
  p50Ms: z.number().positive(),
  p99Ms: z.number().positive(),
  minMs: z.number().nonnegative(),
  maxMs: z.number().positive(),
  runs: z.number().int().positive(),
});
const resultFile = z.strictObject({
  machine: z.object({
    cpus: z.number().int().positive(),
    memoryGb: z.number(),
    postgres: z.string(),
  }),
  engine: z.enum(['postgres', 'pglite']),
  scale: z.literal('S'),
  startedAt: z.iso.datetime(),
  scenarios: z.array(timing.extend({ baseline: timing.optional(), ratio: z.number().optional() })),
});

describeEachEngine('generate scale S, then the benchmark suite (CI smoke)', (t) => {
  const server = useTestApp(t);
  const command = (name: string, args: object) =>
    runCommand(
      createCommandContext((type) => server.app.get(type, { strict: false }), undefined),
      name,
      args,
    ) as Promise<Record<string, unknown>>;

  it('generates a deterministic world once, with exact counters', async () => {
    const first = await command('generate', { scale: 'S', seed: '3' });
    expect(first).toMatchObject({ scale: 'S', catalogTracks: 5000, playsInserted: 50_000 });
    const { rows } = await sql<{ rated: number; liked: number; all: number; never: number }>`
      SELECT count(*) FILTER (WHERE ut.rating IS NOT NULL)::int AS rated,
        count(*) FILTER (WHERE ut.liked)::int AS liked, count(*)::int AS all,
        count(*) FILTER (WHERE s.play_count = 0)::int AS never
      FROM user_track ut JOIN user_track_stats s ON s.user_id = ut.user_id AND s.user_track_id = ut.id
      WHERE ut.user_id = ${(first.users as number[])[0]!}`.execute(t.db);
    const library = rows[0]!;
    expect(library.all).toBe(first.libraryTracks);
    expect(library.all).toBe(5000); // scale S: the whole catalog, saved or played
    expect(library.rated / library.all).toBeCloseTo(1 / 3, 1);
    expect(library.never).toBeGreaterThan(0);
    expect(library.liked).toBeLessThan(library.all);
    expect(await command('stats.verify', {})).toMatchObject({ drift: 0 });

    const again = await command('generate', { scale: 'S', seed: '3' });
    expect(again).toMatchObject({ playsInserted: 0, libraryTracks: first.libraryTracks });
  });

  it('runs every scenario with its baseline and writes a well-formed result file', async () => {
    const out = path.join(work, t.engine);
    await server.app.listen(0, '127.0.0.1');
    const http = await server.app.getUrl();
    const result = await command('bench', { scale: 'S', time: '20', runs: '1', out, http });
    const written = resultFile.parse(JSON.parse(readFileSync(result.file as string, 'utf8')));
    expect(written.engine).toBe(t.engine);
    const names = written.scenarios.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tracks.page.added_desc.depth0',
        'tracks.page.added_desc.depth90k',
        'tracks.page.relations.nested_include',
        'tracks.page.ceiling',
        'history.record.batch1000',
        'http.tracks.added_desc.depth90k',
        'http.tracks.duration_desc.depth90k',
        'browse.artists.plays_desc.deep',
        'playlist.deep',
        'http.playlist.deep',
        'stats.top_artists.all_time',
        'stats.top_tags.year',
        'stats.listening_time_day.week',
        'stats.heatmap.all_time',
        'stats.artist_page.top_artist',
      ]),
    );
    for (const scenario of written.scenarios) {
      expect(scenario.ratio).toBeCloseTo(scenario.p50Ms / scenario.baseline!.p50Ms, 2);
    }
    // the recording scenario's users are gone, their plays with them
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM app_user WHERE username LIKE 'bench-%'`.execute(t.db);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('refuses a scale it does not know, naming the option', async () => {
    await expect(command('generate', { scale: 'XL' })).rejects.toThrow(/--scale must be S, M or L/);
  });
});
