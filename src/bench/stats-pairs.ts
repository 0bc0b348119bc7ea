import { Injectable } from '@nestjs/common';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { StatsRepository, type PeriodPlan, type TopKind } from '../stats/stats.repository.js';
import { StatsService } from '../stats/stats.service.js';
import type { Pair } from './bench.service.js';

const DAY_MS = 86_400_000;
const TOP_KINDS: TopKind[] = ['artists', 'albums', 'tracks', 'genres', 'tags'];

/**
 * Every statistics endpoint for the last week, the last year and all time,
 * against the naive way: the same answer computed from the plays alone
 * (grouped in the database, which is already kinder than grouping in memory).
 */
@Injectable()
export class StatsPairs {
  constructor(
    private readonly stats: StatsService,
    private readonly repository: StatsRepository,
    private readonly rollups: RollupsRepository,
  ) {}

  /** The pairs, after making the user's rollups usable; how long that rebuild took. */
  async pairs(userId: number): Promise<{ pairs: Pair[]; rebuildMs: number | null }> {
    const { zone, usable } = await this.rollups.usableFor(userId);
    let rebuildMs: number | null = null;
    if (!usable) {
      const started = performance.now();
      await this.rollups.rebuild(userId);
      rebuildMs = Math.round(performance.now() - started);
    }
    const user = { id: userId };
    const today = new Date(new Date().toISOString().slice(0, 10));
    const periods = [
      { name: 'week', from: new Date(today.getTime() - 7 * DAY_MS), step: 'day' as const },
      { name: 'year', from: new Date(today.getTime() - 365 * DAY_MS), step: 'week' as const },
      { name: 'all_time', from: undefined, step: 'month' as const },
    ];
    const pairs: Pair[] = [];
    for (const period of periods) {
      const query = period.from ? { from: { instant: period.from } } : {};
      const range = { from: period.from ?? null, to: null };
      const naive: PeriodPlan = {
        allTime: false,
        range,
        monthEdges: [range],
        hourEdges: [range],
      };
      for (const kind of TOP_KINDS) {
        pairs.push({
          name: `stats.top_${kind}.${period.name}`,
          ours: () => this.stats.top(user, kind, { ...query, by: 'plays', limit: 50 }),
          baseline: {
            name: 'naive_scan',
            run: () => this.repository.top(userId, kind, naive, 'plays', 50),
          },
        });
      }
      pairs.push(
        {
          name: `stats.listening_time_${period.step}.${period.name}`,
          ours: () => this.stats.listeningTime(user, { ...query, step: period.step }),
          baseline: {
            name: 'naive_scan',
            run: () => this.repository.listeningTime(userId, zone, naive, period.step),
          },
        },
        {
          name: `stats.heatmap.${period.name}`,
          ours: () => this.stats.heatmap(user, query),
          baseline: {
            name: 'naive_scan',
            run: () => this.repository.heatmap(userId, zone, naive),
          },
        },
      );
    }
    const [topArtist] = await this.repository.top(userId, 'artists', ALL_TIME, 'plays', 1);
    if (topArtist) {
      pairs.push({
        name: 'stats.artist_page.top_artist',
        ours: () => this.stats.artist(user, topArtist.id),
        baseline: {
          name: 'months_from_plays',
          run: () => this.repository.monthsOf(userId, zone, false, { artistId: topArtist.id }),
        },
      });
    }
    return { pairs, rebuildMs };
  }
}

const ALL_TIME: PeriodPlan = {
  allTime: true,
  range: { from: null, to: null },
  monthEdges: [],
  hourEdges: [],
};
