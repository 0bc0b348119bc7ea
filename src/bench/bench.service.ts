import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import { Bench } from 'tinybench';
import { Database } from '../db/database.js';
import type { DB } from '../db/schema.js';
import type { ScaleName } from '../generator/scales.js';
import { TrackListRepository } from '../library/track-list.repository.js';
import { guideCursorPage, nestedInclude, offsetPage, threeQueries } from './baselines.js';

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
  scenarios: ScenarioResult[];
}

export interface BenchOptions {
  scale: ScaleName;
  /** measuring time per task (after a fifth of it as warm-up) */
  timeMs: number;
  resultsDir: string;
}

interface Pair {
  name: string;
  ours: () => Promise<unknown>;
  baseline?: { name: string; run: () => Promise<unknown> };
}

type Position = { addedAt: Date; id: number };

const PAGE = 50;
const DEPTHS = [0, 10_000, 90_000];

/**
 * Runs the benchmark scenarios on the data of `spotlib generate`: each of our
 * ways measured next to the guide's way on the same rows, in the same run,
 * with tinybench's percentiles. Writes bench/results/<engine>-<scale>-<date>.json.
 */
@Injectable()
export class BenchService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly database: Database,
    private readonly tracks: TrackListRepository,
  ) {}

  async run(options: BenchOptions): Promise<BenchResult & { file: string }> {
    const startedAt = new Date().toISOString();
    const userId = await this.heaviestUser();
    const scenarios: ScenarioResult[] = [];
    for (const pair of await this.pairs(userId))
      scenarios.push(await measure(pair, options.timeMs));
    const result: BenchResult = {
      machine: await this.machine(),
      engine: this.database.engine,
      scale: options.scale,
      startedAt,
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

  private async pairs(userId: number): Promise<Pair[]> {
    const library = await this.librarySize(userId);
    const at = async (depth: number) => ({ depth, after: await this.positionAt(userId, depth) });
    const depths = await Promise.all(DEPTHS.map((d) => at(Math.min(d, library - PAGE))));
    const ourPage = (after?: Position) => () =>
      this.tracks.pageByAdded(userId, { order: 'desc', limit: PAGE, after });
    const label = (d: number) => (d === 0 ? 'depth0' : `depth${d / 1000}k`);
    const deep = depths.at(-1)!;
    const middle = depths[1]!;
    const compiled = this.tracks
      .pageByAddedQuery(userId, { order: 'desc', limit: PAGE, after: middle.after })
      .compile();
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

  /** The user with the biggest library: the heavy user of a generated world. */
  private async heaviestUser(): Promise<number> {
    const row = await this.db
      .selectFrom('user_track')
      .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('user_id')
      .orderBy('n', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new Error('No library to measure: run `spotlib generate` first');
    return row.user_id;
  }

  private async librarySize(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('user_track')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** The (added_at, id) just before the page at this depth; none for the first page. */
  private async positionAt(userId: number, depth: number): Promise<Position | undefined> {
    if (depth <= 0) return undefined;
    const row = await this.db
      .selectFrom('user_track')
      .select(['added_at', 'id'])
      .where('user_id', '=', userId)
      .orderBy('added_at', 'desc')
      .orderBy('id', 'desc')
      .offset(depth - 1)
      .limit(1)
      .executeTakeFirstOrThrow();
    return { addedAt: row.added_at, id: row.id };
  }

  private async machine(): Promise<BenchResult['machine']> {
    const { rows } = await sql<{ version: string }>`SELECT version()`.execute(this.db);
    return {
      cpus: os.cpus().length,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      postgres: rows[0]!.version.split(' ').slice(0, 2).join(' '),
    };
  }
}

/** Ours and its baseline, one after the other in one tinybench run. */
async function measure(pair: Pair, timeMs: number): Promise<ScenarioResult> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.ceil(timeMs / 5), iterations: 5 });
  bench.add(pair.name, pair.ours);
  if (pair.baseline) bench.add(pair.baseline.name, pair.baseline.run);
  await bench.run();
  const [ours, baseline] = bench.tasks.map((task) => timingOf(task.name, task.result));
  if (!baseline) return ours!;
  return { ...ours!, baseline, ratio: round(ours!.p50Ms / baseline.p50Ms) };
}

function timingOf(name: string, result: Bench['tasks'][number]['result']): Timing {
  if (result.state !== 'completed') {
    const reason = result.state === 'errored' ? `: ${String(result.error)}` : '';
    throw new Error(`Scenario ${name} did not complete (${result.state})${reason}`);
  }
  const { latency } = result;
  return {
    name,
    p50Ms: round(latency.p50),
    p99Ms: round(latency.p99),
    minMs: round(latency.min),
    maxMs: round(latency.max),
    runs: latency.samplesCount,
  };
}

const round = (ms: number) => Number(ms.toFixed(3));
