import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { ApiError } from '../common/errors/http-error.filter.js';
import { LabelStatsRepository } from './label-stats.repository.js';
import { RollupsRebuilder } from './rollups-rebuilder.service.js';
import { RollupsRepository } from './rollups.repository.js';
import {
  StatsRepository,
  type PeriodBound,
  type PeriodRow,
  type Step,
  type TopKind,
} from './stats.repository.js';

export interface PeriodQuery {
  from?: PeriodBound | undefined;
  to?: PeriodBound | undefined;
}

const notFound = (what: string) => new ApiError(404, 'not_found', `No ${what} in your library`);

/**
 * Listening statistics in the user's time zone. A period's whole months and
 * hours come from the rollups when they are keyed in the user's current zone;
 * otherwise (a zone change being rebuilt) from the plays, which is slower and
 * gives the same answer. All-time top tags and genres come from the user's
 * tag and genre figures alike, while they hold.
 */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly rollups: RollupsRepository,
    private readonly rebuilder: RollupsRebuilder,
    private readonly labels: LabelStatsRepository,
  ) {}

  async top(
    user: AuthUser,
    kind: TopKind,
    query: PeriodQuery & { by: 'plays' | 'time'; limit: number },
  ) {
    const { plan } = await this.period(user, query);
    const labelStats =
      (kind === 'tags' || kind === 'genres') && plan.allTime
        ? await this.labelStatsFor(user)
        : undefined;
    return {
      items: await this.stats.top(user.id, kind, { ...plan, labelStats }, query.by, query.limit),
    };
  }

  async listeningTime(user: AuthUser, query: PeriodQuery & { step: Step }) {
    const { zone, plan } = await this.period(user, query);
    const rows = await this.stats.listeningTime(user.id, zone, plan, query.step);
    return { items: withGaps(rows, query.step) };
  }

  async heatmap(user: AuthUser, query: PeriodQuery) {
    const { zone, plan } = await this.period(user, query);
    return { items: await this.stats.heatmap(user.id, zone, plan) };
  }

  async artist(user: AuthUser, artistId: number) {
    const summary = await this.stats.artistSummary(user.id, artistId);
    if (!summary) throw notFound(`artist ${artistId}`);
    const { zone, usable } = await this.rollupsFor(user);
    return {
      id: summary.id,
      name: summary.name,
      plays: summary.plays,
      msPlayed: summary.ms_played,
      trackCount: summary.track_count,
      rank: summary.rank,
      firstPlayedAt: await this.stats.firstPlayedAt(user.id, zone, usable, { artistId }),
      lastPlayedAt: summary.last_played_at,
      months: await this.stats.monthsOf(user.id, zone, usable, { artistId }),
    };
  }

  async track(user: AuthUser, userTrackId: number) {
    const summary = await this.stats.trackSummary(user.id, userTrackId);
    if (!summary) throw notFound(`track ${userTrackId}`);
    const { zone, usable } = await this.rollupsFor(user);
    return {
      id: summary.id,
      name: summary.name,
      artist: { id: summary.artist_id, name: summary.artist_name },
      plays: summary.plays,
      msPlayed: summary.ms_played,
      skips: summary.skips,
      rank: summary.rank,
      firstPlayedAt: await this.stats.firstPlayedAt(user.id, zone, usable, { userTrackId }),
      lastPlayedAt: summary.last_played_at,
      months: await this.stats.monthsOf(user.id, zone, usable, { userTrackId }),
    };
  }

  /** The period's plan, read from the plays alone while the rollups are not usable. */
  private async period(user: AuthUser, query: PeriodQuery) {
    const { zone, usable } = await this.rollupsFor(user);
    const { fromAt, toAt, plan } = await this.stats.plan(zone, query.from, query.to);
    if (fromAt && toAt && fromAt > toAt) {
      throw new ApiError(400, 'invalid_period', 'from must not be after to');
    }
    if (usable) return { zone, plan };
    return {
      zone,
      plan: {
        allTime: plan.allTime,
        range: plan.range,
        monthEdges: [plan.range],
        hourEdges: [plan.range],
      },
    };
  }

  /** Whether the user's tag and genre figures hold; a rebuild starts when they do not. */
  private async labelStatsFor(user: AuthUser) {
    const usable = await this.labels.usableFor(user.id);
    if (!usable.genres) void this.rebuilder.rebuildLabelStatsSoon(user.id);
    return usable;
  }

  private async rollupsFor(user: AuthUser): Promise<{ zone: string; usable: boolean }> {
    const { zone, usable } = await this.rollups.usableFor(user.id);
    if (usable === false) void this.rebuilder.rebuildSoon(user.id);
    return { zone, usable: usable === true };
  }
}

/** The periods from the first to the last with listening, the silent ones at zero. */
function withGaps(rows: PeriodRow[], step: Step): PeriodRow[] {
  if (rows.length === 0) return rows;
  const byPeriod = new Map(rows.map((r) => [r.period, r]));
  const filled: PeriodRow[] = [];
  const last = rows.at(-1)!.period;
  for (let day = new Date(`${rows[0]!.period}T00:00:00Z`); ; day = next(day, step)) {
    const period = day.toISOString().slice(0, 10);
    filled.push(byPeriod.get(period) ?? { period, plays: 0, msPlayed: 0 });
    if (period >= last) return filled;
  }
}

function next(day: Date, step: Step): Date {
  const d = new Date(day);
  if (step === 'day') d.setUTCDate(d.getUTCDate() + 1);
  else if (step === 'week') d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return d;
}
