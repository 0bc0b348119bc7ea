import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import { Bench } from 'tinybench';
import { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { ScaleName } from '../generator/scales.js';
import {
  TrackListRepository,
  type TrackPageQuery,
  type TrackPosition,
  TRACK_SORTS,
} from '../library/track-list.repository.js';
import { PlayRecorder } from '../history/play-recorder.service.js';
import { LibraryMembershipService } from '../library/library-membership.service.js';
import { ApiTokenService } from '../auth/api-token.service.js';
import { BrowseRepository, type BrowsePosition } from '../library/browse.repository.js';
import { PlaylistsService } from '../library/playlists.service.js';
import { TracksService } from '../library/tracks.service.js';
import {
  guideCursorPage,
  nestedInclude,
  offsetPage,
  perPlayUpserts,
  threeQueries,
} from './baselines.js';
import { BenchRepository } from './bench.repository.js';
import { KeepAliveClient } from './keep-alive-client.js';
import { SmartPairs } from './smart-pairs.js';
import { StatsPairs } from './stats-pairs.js';

export interface Timing {
  name: string;
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
  runs: number;
}

export interface ScenarioResult extends Timing {
  baseline?: Timing;
  /** ours / baseline, by p50 */
  ratio?: number;
}

export interface BenchResult {
  machine: { cpus: number; memoryGb: number; postgres?: string };
  engine: Database['engine'];
  scale: ScaleName;
  startedAt: string;
  /** how long making the heavy user's rollups usable took, when they were not */
  rollupRebuildMs?: number;
  scenarios: ScenarioResult[];
}

export interface BenchOptions {
  scale: ScaleName;
  /** measuring time per task (after a fifth of it as warm-up) */
  timeMs: number;
  /** runs per task at least, however long they take */
  minRuns: number;
  /** a running server to measure the track list through HTTP as well */
  httpUrl?: string | undefined;
  resultsDir: string;
}

export interface Pair {
  name: string;
  ours: () => Promise<unknown>;
  baseline?: { name: string; run: () => Promise<unknown> };
}

type Position = { addedAt: Date; id: number };

const PAGE = 50;

interface LongPlaylist {
  id: number;
  /** continues nine tenths down */
  deepCursor: string;
}
/** Requests per HTTP scenario before measuring (see httpPairs). */
const HTTP_WARM_UP_RUNS = 20;
const RECORD_BATCH = 1000;
const DEPTHS = [0, 10_000, 90_000];
/** Entries of the playlist made for the run: a long one (generated playlists hold ~100). */
const PLAYLIST_ENTRIES = 10_000;

/**
 * Runs the benchmark scenarios on the data of `spotlib generate`: each of our
 * ways measured next to the guide's way on the same rows, in the same run,
 * timed by tinybench in rounds where the two take turns. Writes
 * bench/results/<engine>-<scale>-<date>.json.
 */
@Injectable()
export class BenchService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly database: Database,
    private readonly tracks: TrackListRepository,
    private readonly bench: BenchRepository,
    private readonly recorder: PlayRecorder,
    private readonly membership: LibraryMembershipService,
    private readonly browse: BrowseRepository,
    private readonly trackList: TracksService,
    private readonly apiTokens: ApiTokenService,
    private readonly playlists: PlaylistsService,
    private readonly statsPairs: StatsPairs,
    private readonly smartPairs: SmartPairs,
  ) {}

  async run(options: BenchOptions): Promise<BenchResult & { file: string }> {
    const startedAt = new Date().toISOString();
    const heavy = await this.bench.heaviestUser();
    if (!heavy) throw new Error('No library to measure: run `spotlib generate` first');
    const scenarios: ScenarioResult[] = [];
    const stats = await this.statsPairs.pairs(heavy.userId);
    const smart = await this.smartPairs.pairs(heavy.userId);
    let playlist: LongPlaylist | undefined;
    try {
      playlist = await this.longPlaylist(heavy.userId);
      const pairs = [
        ...(await this.pagePairs(heavy.userId, heavy.tracks)),
        ...(await this.sortPairs(heavy.userId, heavy.tracks)),
        ...(await this.browsePairs(heavy.userId)),
        ...this.playlistPairs(heavy.userId, playlist),
        ...stats.pairs,
        ...smart.pairs,
        ...(options.httpUrl
          ? await this.httpPairs(heavy.userId, heavy.tracks, playlist, options.httpUrl)
          : []),
      ];
      for (const pair of pairs) scenarios.push(await measure(pair, options));
    } finally {
      await smart.cleanup();
      if (playlist) await this.playlists.delete({ id: heavy.userId }, playlist.id);
    }
    const recording = await this.recordingPair();
    try {
      scenarios.push(await measure(recording, options));
    } finally {
      await recording.cleanup();
    }
    const result: BenchResult = {
      machine: {
        cpus: os.cpus().length,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        postgres: await this.bench.postgresVersion(),
      },
      engine: this.database.engine,
      scale: options.scale,
      startedAt,
      ...(stats.rebuildMs !== null ? { rollupRebuildMs: stats.rebuildMs } : {}),
      scenarios,
    };
    await mkdir(options.resultsDir, { recursive: true });
    const file = path.join(
      options.resultsDir,
      `${result.engine}-${result.scale}-${startedAt.slice(0, 10)}.json`,
    );
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return { ...result, file };
  }

  private async pagePairs(userId: number, library: number): Promise<Pair[]> {
    const at = async (depth: number) => ({
      depth,
      after: depth > 0 ? await this.bench.positionAt(userId, depth) : undefined,
    });
    const depths = await Promise.all(DEPTHS.map((d) => at(Math.min(d, library - PAGE))));
    const added = (after?: Position): TrackPageQuery => ({
      sort: 'added',
      order: 'desc',
      limit: PAGE,
      after: after && { phase: 0, keys: [after.addedAt.toISOString()], id: after.id },
    });
    const ourPage = (after?: Position) => () => this.tracks.page(userId, added(after));
    const label = (d: number) => (d === 0 ? 'depth0' : `depth${d / 1000}k`);
    const deep = depths.at(-1)!;
    const middle = depths[1]!;
    const compiled = this.tracks.pageQuery(userId, added(middle.after)).compile();
    return [
      ...DEPTHS.map((nominal, i) => ({
        name: `tracks.page.added_desc.${label(nominal)}`,
        ours: ourPage(depths[i]!.after),
        baseline: {
          name: `offset.${depths[i]!.depth}`,
          run: () => offsetPage(this.db, userId, depths[i]!.depth, PAGE),
        },
      })),
      ...DEPTHS.slice(1).map((nominal, i) => ({
        name: `tracks.page.added_desc.${label(nominal)}.guide_cursor`,
        ours: ourPage(depths[i + 1]!.after),
        baseline: {
          name: 'guide_mixed_direction_or_cursor',
          run: () => guideCursorPage(this.db, userId, depths[i + 1]!.after!, PAGE),
        },
      })),
      {
        name: 'tracks.page.relations.nested_include',
        ours: ourPage(middle.after),
        baseline: {
          name: 'guide_bad_nested_include',
          run: () => nestedInclude(this.db, userId, middle.after!, PAGE),
        },
      },
      {
        name: 'tracks.page.relations.three_queries',
        ours: ourPage(middle.after),
        baseline: {
          name: 'guide_option1_three_queries',
          run: () => threeQueries(this.db, userId, middle.after!, PAGE),
        },
      },
      {
        name: 'tracks.page.ceiling',
        ours: ourPage(middle.after),
        baseline: {
          name: 'same_sql_through_bare_driver',
          run: () => this.database.executeSql(compiled.sql, [...compiled.parameters]),
        },
      },
      {
        name: `tracks.page.added_desc.${label(DEPTHS.at(-1)!)}.vs_first`,
        ours: ourPage(deep.after),
        baseline: { name: 'first_page', run: ourPage() },
      },
    ];
  }

  /** Every other sort, both ways: a page at 10k and at 90k against the first page. */
  private async sortPairs(userId: number, library: number): Promise<Pair[]> {
    const pairs: Pair[] = [];
    for (const sort of TRACK_SORTS.filter((sort) => sort !== 'added')) {
      for (const order of ['asc', 'desc'] as const) {
        const page = (after?: TrackPosition) => () =>
          this.tracks.page(userId, { sort, order, limit: PAGE, after });
        for (const depth of DEPTHS.slice(1)) {
          const after = await this.tracks.positionAt(
            userId,
            { sort, order },
            Math.min(depth, library - PAGE),
          );
          pairs.push({
            name: `tracks.page.${sort}_${order}.depth${depth / 1000}k`,
            ours: page(after),
            baseline: { name: 'first_page', run: page() },
          });
        }
      }
    }
    return pairs;
  }

  /**
   * Every sort through HTTP (routing, validation, auth by API token, JSON),
   * pages 10k and 90k deep against the first, and the longest playlist:
   * what a client waits for.
   */
  private async httpPairs(
    userId: number,
    library: number,
    playlist: LongPlaylist,
    baseUrl: string,
  ): Promise<Pair[]> {
    const { token } = await this.apiTokens.create({ id: userId }, 'benchmark');
    const client = new KeepAliveClient(baseUrl, { authorization: `Bearer ${token}` });
    const fetchJson = (url: string) => () => client.getJson(url);
    const get = (query: string) => fetchJson(`/api/tracks?${query}`);
    const first = `/api/playlists/${playlist.id}/tracks?limit=${PAGE}`;
    const pairs: Pair[] = [
      {
        name: 'http.playlist.deep',
        ours: fetchJson(`${first}&cursor=${encodeURIComponent(playlist.deepCursor)}`),
        baseline: { name: 'first_page', run: fetchJson(first) },
      },
    ];
    for (const sort of TRACK_SORTS) {
      const first = `sort=${sort}&order=desc&limit=${PAGE}`;
      for (const depth of DEPTHS.slice(1)) {
        const at = Math.min(depth, library - PAGE);
        const position = await this.tracks.positionAt(userId, { sort, order: 'desc' }, at);
        const cursor = await this.trackList.cursorAfter(sort, 'desc', position);
        pairs.push({
          name: `http.tracks.${sort}_desc.depth${depth / 1000}k`,
          ours: get(`${first}&cursor=${encodeURIComponent(cursor)}`),
          baseline: { name: 'first_page', run: get(first) },
        });
      }
    }
    // A server just started runs its code unoptimised, and each pooled connection plans a
    // prepared statement five times before it keeps one: the suite measures it warmed up.
    for (const pair of pairs) {
      for (let run = 0; run < HTTP_WARM_UP_RUNS; run++) {
        await pair.ours();
        await pair.baseline?.run();
      }
    }
    return pairs;
  }

  /** Artists and albums by plays and by name: a page nine tenths down against the first. */
  private async browsePairs(userId: number): Promise<Pair[]> {
    const pairs: Pair[] = [];
    for (const kind of ['artists', 'albums'] as const) {
      for (const [sort, order] of [
        ['plays', 'desc'],
        ['name', 'asc'],
      ] as const) {
        const all = await this.browse.page(userId, kind, { sort, order, limit: 1_000_000 });
        const deep = all[Math.floor(all.length * 0.9)]?.position;
        const page = (after?: BrowsePosition) => () =>
          this.browse.page(userId, kind, { sort, order, limit: PAGE, after });
        pairs.push({
          name: `browse.${kind}.${sort}_${order}.deep`,
          ours: page(deep),
          baseline: { name: 'first_page', run: page() },
        });
      }
    }
    return pairs;
  }

  /** The long playlist's page nine tenths down against its first (items as /api/tracks has them). */
  private playlistPairs(userId: number, playlist: LongPlaylist): Pair[] {
    const page = (after?: string) => () =>
      this.playlists.entries({ id: userId }, playlist.id, { limit: PAGE, cursor: after });
    return [
      {
        name: 'playlist.deep',
        ours: page(playlist.deepCursor),
        baseline: { name: 'first_page', run: page() },
      },
    ];
  }

  /**
   * A playlist of the user's PLAYLIST_ENTRIES latest tracks, made for the run
   * as a user would (1,000 tracks a request), with the cursor nine tenths down.
   */
  private async longPlaylist(userId: number): Promise<LongPlaylist> {
    const user = { id: userId };
    const { id } = await this.playlists.create(user, { name: 'bench: long playlist' });
    const tracks = await this.bench.recentUserTracks(userId, PLAYLIST_ENTRIES);
    for (let start = 0; start < tracks.length; start += 1000) {
      await this.playlists.add(user, id, { trackIds: tracks.slice(start, start + 1000) });
    }
    const deep = await this.bench.deepPosition(userId, id);
    return { id, deepCursor: await this.playlists.cursorAfter(id, deep) };
  }

  /**
   * Batches of 1000 new plays, ours through the recording service, the
   * guide's as a transaction of upserts per play; each for a user of its
   * own, removed afterwards.
   */
  private async recordingPair(): Promise<Pair & { cleanup(): Promise<void> }> {
    const tracks = await this.bench.someTracks(RECORD_BATCH);
    const stamp = Date.now();
    const ours = await this.bench.createUser(`bench-recorder-${stamp}`);
    const guide = await this.bench.createUser(`bench-guide-${stamp}`);
    const firstPlay = Date.UTC(2009, 0, 1);
    // The guide's way assumes the library rows exist; ours adds them as it records.
    await this.membership.like(
      guide,
      tracks.map((t) => ({ trackId: t.id, addedAt: new Date(firstPlay) })),
    );
    const userTrackOf = await this.bench.userTrackIds(
      guide,
      tracks.map((t) => t.id),
    );
    // Seven minutes apart: every play is new, none the repeat of another.
    const clock = { ours: firstPlay, guide: firstPlay };
    const batch = (who: keyof typeof clock) =>
      tracks.map((track) => ({ track, playedAt: new Date((clock[who] += 7 * 60_000)) }));
    return {
      name: 'history.record.batch1000',
      ours: () =>
        this.recorder.record(
          ours,
          batch('ours').map((p) => ({
            trackId: p.track.id,
            playedAt: p.playedAt,
            msPlayed: 200_000,
            source: 'generator' as const,
          })),
        ),
      baseline: {
        name: 'guide_per_play_upserts',
        run: () =>
          perPlayUpserts(
            this.db,
            guide,
            batch('guide').map((p) => ({
              userTrackId: userTrackOf.get(p.track.id)!,
              artistId: p.track.artist_id,
              albumId: p.track.album_id!,
              playedAt: p.playedAt,
              msPlayed: 200_000,
            })),
          ),
      },
      cleanup: async () => {
        await this.bench.dropUser(ours);
        await this.bench.dropUser(guide);
      },
    };
  }
}

/**
 * Rounds a scenario is measured in, ours and the baseline taking turns (each
 * round starting with the other): this machine's speed drifts within seconds,
 * and a ratio of two runs a second apart measured the drift as much as the
 * code (deep/first pages of the same cost read 0.66 to 1.65). No more
 * rounds than the runs asked for, so the slowest baselines run no more.
 */
const ROUNDS = 5;

/** Ours and its baseline, taking turns over the rounds; the runs asked for spread among them. */
async function measure(pair: Pair, options: BenchOptions): Promise<ScenarioResult> {
  const tasks = [{ name: pair.name, run: pair.ours }, ...(pair.baseline ? [pair.baseline] : [])];
  const samples = tasks.map(() => [] as number[]);
  const rounds = Math.min(ROUNDS, options.minRuns);
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: options.timeMs / rounds,
      iterations: Math.floor(options.minRuns / rounds) + (round < options.minRuns % rounds ? 1 : 0),
      warmup: round === 0,
      warmupTime: Math.ceil(options.timeMs / 5),
      // tinybench warms up with 16 runs at least: a minute for the slowest baselines
      warmupIterations: 1,
      retainSamples: true,
    });
    const order = round % 2 === 0 ? tasks : [...tasks].reverse();
    for (const task of order) bench.add(task.name, task.run);
    await bench.run();
    bench.tasks.forEach((task, i) => {
      samples[tasks.indexOf(order[i]!)]!.push(...samplesOf(task.name, task.result));
    });
  }
  const [ours, baseline] = tasks.map((task, i) => timingOf(task.name, samples[i]!));
  if (!baseline) return ours!;
  return { ...ours!, baseline, ratio: round(ours!.p50Ms / baseline.p50Ms) };
}

function samplesOf(name: string, result: Bench['tasks'][number]['result']): readonly number[] {
  if (result.state !== 'completed') {
    const reason = result.state === 'errored' ? `: ${String(result.error)}` : '';
    throw new Error(`Scenario ${name} did not complete (${result.state})${reason}`);
  }
  return result.latency.samples ?? [];
}

function timingOf(name: string, samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    p50Ms: round(quantile(sorted, 0.5)),
    p99Ms: round(quantile(sorted, 0.99)),
    minMs: round(sorted[0]!),
    maxMs: round(sorted.at(-1)!),
    runs: sorted.length,
  };
}

/** Interpolated linearly between order statistics, as tinybench's percentiles. */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = sorted[Math.floor(at)]!;
  const above = sorted[Math.ceil(at)]!;
  return below + (above - below) * (at - Math.floor(at));
}

const round = (ms: number) => Number(ms.toFixed(3));
