/**
 * Spotify library sync end to end: the emulator (its own process, answering
 * at once) serves a generated library; a fresh Spotlib connects through the
 * real OAuth round trip of its server (as `curl -L` would), then the real
 * CLI runs a full sync and, after it, an incremental one. Reports tracks/s
 * and the sync process's peak RSS per engine.
 *
 *   npm run bench:sync [-- --tracks 100000 --engine postgres|pglite|both]
 *
 * PostgreSQL uses (and recreates) `spotlib_bench_sync` on the server of
 * TEST_DATABASE_URL; PGlite a fresh data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { cli, cliArgs, freshEnvironment, root, spawnServer } from './environment.js';
import { writeBenchmarksMarkdown } from './report.js';

const { values } = parseArgs({
  options: {
    tracks: { type: 'string', default: '100000' },
    engine: { type: 'string', default: 'both' },
    seed: { type: 'string', default: '1' },
  },
});
const TRACKS = Number(values.tracks);
const CLIENT_ID = 'spotlibbench';

async function main() {
  const emulator = await startEmulator();
  try {
    const engines = values.engine === 'both' ? ['postgres', 'pglite'] : [values.engine];
    for (const engine of engines) {
      const env = await freshEnvironment(engine, 'spotlib_bench_sync');
      Object.assign(env, {
        SPOTIFY_CLIENT_ID: CLIENT_ID,
        SPOTIFY_API_URL: `${emulator.url}/v1`,
        SPOTIFY_ACCOUNTS_URL: emulator.url,
      });
      await cli(env, ['db', 'migrate']);
      await connect(env);
      const full = await timed(env, ['sync', '--full']);
      const incremental = await timed(env, ['sync']);
      const verify = (await cli(env, ['stats', 'verify'])).result;
      const report = {
        engine,
        date: new Date().toISOString(),
        machine: { cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
        tracks: TRACKS,
        fullSync: full,
        incrementalSync: incremental,
        verify,
      };
      console.log(
        `${engine}: full sync ${full.tracksPerSecond} tracks/s (${full.seconds} s, ${full.maxRssMB} MB peak RSS); ` +
          `incremental ${incremental.seconds} s`,
      );
      await mkdir('bench/results', { recursive: true });
      await writeFile(
        `bench/results/sync-${engine}-${report.date.slice(0, 10)}.json`,
        `${JSON.stringify(report, null, 2)}\n`,
      );
      await rm(env.DATA_DIR!, { recursive: true, force: true });
    }
  } finally {
    emulator.process.kill();
  }
  await writeBenchmarksMarkdown(path.join(root, 'bench/results'), path.join(root, 'BENCHMARKS.md'));
}

async function timed(env: NodeJS.ProcessEnv, args: string[]) {
  const started = performance.now();
  const { result, maxRssKb, cpuSeconds } = await cli(env, args);
  const seconds = (performance.now() - started) / 1000;
  const summary = result as { savedTracks: number };
  return {
    seconds: Number(seconds.toFixed(2)),
    tracksPerSecond: Math.round(summary.savedTracks / seconds),
    maxRssMB: Math.round(maxRssKb / 1024),
    // this machine's speed drifts: the process's CPU time compares runs more steadily
    cpuSeconds,
    summary: result,
  };
}

/** `spotlib emulator` in its own process, so its memory is not the sync's. */
async function startEmulator(): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...cliArgs(),
      'emulator',
      '--port',
      '0',
      '--tracks',
      String(TRACKS),
      '--seed',
      values.seed,
      '--json',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const { url } = JSON.parse(line) as { url: string };
    return { url, process: child };
  }
  throw new Error('the emulator did not start');
}

/** The login round trip through the real server, following redirects as `curl -L` does. */
async function connect(env: NodeJS.ProcessEnv): Promise<void> {
  const port = process.env.BENCH_PORT ?? '3918';
  const server = spawnServer(env, port, {
    SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${port}/api/auth/spotify/callback`,
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (
        await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 100) throw new Error(`the server did not answer on ${url}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const answer = await fetch(`${url}/api/auth/spotify/login`);
    const body = (await answer.json()) as { status?: string };
    if (body.status !== 'connected') throw new Error(`login failed: ${JSON.stringify(body)}`);
  } finally {
    server.kill();
    await once(server, 'exit');
  }
}

await main();
