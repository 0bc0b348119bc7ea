import { setTimeout } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { Kysely, type Transaction } from 'kysely';
import { ApiError } from '../common/errors/http-error.filter.js';
import type { DB, PlaySource } from '../db/schema.js';
import { LibraryRepository } from '../library/library.repository.js';
import { AppMetrics } from '../ops/metrics/app-metrics.service.js';
import { AggregatesRepository } from '../stats/aggregates.repository.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import { UsersRepository } from '../users/users.repository.js';
import { HistoryRepository } from './history.repository.js';
import { prepareBatch, type PlayToRecord, type PreparedPlay } from './play-batch.js';
import { implausibility } from './play-plausibility.js';
import { SOURCE_PRECISION_MS } from './play-sources.js';

export interface RecordResult {
  /** plays written now */
  inserted: number;
  /** of those, the ones under the play threshold: skips, not plays */
  skips: number;
  /** plays already known (or repeated within the batch) */
  duplicates: number;
}

/** A result with the plays written per source, for the metrics. */
type CountedResult = RecordResult & { insertedBySource: Map<PlaySource, number> };

const NO_PARTITION = '23514';
const ATTEMPTS = 5;

/**
 * The one path through which plays enter: each play is recorded exactly once
 * however often it arrives, and every counter moves by what was actually
 * inserted, in the same transaction, with a constant number of queries per
 * batch. One user's writers take turns (advisory lock); different users'
 * writers run side by side.
 */
@Injectable()
export class PlayRecorder {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly users: UsersRepository,
    private readonly library: LibraryRepository,
    private readonly history: HistoryRepository,
    private readonly aggregates: AggregatesRepository,
    private readonly rollups: RollupsRepository,
    private readonly metrics: AppMetrics,
  ) {}

  async record(userId: number, plays: readonly PlayToRecord[]): Promise<RecordResult> {
    if (plays.length === 0) return { inserted: 0, skips: 0, duplicates: 0 };
    assertPlausible(plays);
    for (let attempt = 1; ; attempt++) {
      try {
        const { insertedBySource, ...result } = await this.recordOnce(userId, plays);
        // Counted once committed: a rolled-back batch recorded nothing.
        for (const [source, count] of insertedBySource) this.metrics.playsInserted(source, count);
        return result;
      } catch (error) {
        // A month moved to the archive between reading the layout and inserting: read it again.
        const code = (error as { code?: string }).code;
        if (code !== NO_PARTITION || attempt >= ATTEMPTS || !isPartitionRouting(error)) throw error;
        await setTimeout(50 * attempt);
      }
    }
  }

  private recordOnce(userId: number, plays: readonly PlayToRecord[]): Promise<CountedResult> {
    return this.db.transaction().execute((trx) => this.recordCounted(trx, userId, plays));
  }

  /**
   * Records plays inside the caller's transaction (which then commits or
   * rolls back plays and counters together), taking the user's lock. Not
   * counted in the metrics: its one caller, a track merge, moves plays
   * already recorded.
   */
  async recordWithin(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PlayToRecord[],
  ): Promise<RecordResult> {
    const { inserted, skips, duplicates } = await this.recordCounted(trx, userId, plays);
    return { inserted, skips, duplicates };
  }

  private async recordCounted(
    trx: Transaction<DB>,
    userId: number,
    plays: readonly PlayToRecord[],
  ): Promise<CountedResult> {
    const insertedBySource = new Map<PlaySource, number>();
    if (plays.length === 0) return { inserted: 0, skips: 0, duplicates: 0, insertedBySource };
    await this.history.lockForRecording(trx, userId);
    const threshold = await this.users.playThreshold(userId, trx);
    const userTracks = await this.library.ensureUserTracks(trx, userId, firstPlays(plays));
    await this.aggregates.changeTrackCounts(
      trx,
      userId,
      userTracks.filter((t) => t.added).map((t) => t.trackId),
      1,
    );
    const userTrackIdOf = new Map(userTracks.map((t) => [t.trackId, t.userTrackId]));
    const prepared = prepareBatch(plays, (trackId) => userTrackIdOf.get(trackId)!, threshold);
    const hotStart = await this.history.hotStart(trx);
    const zone = await this.rollups.zoneForRecording(trx, userId);
    let inserted = 0;
    let skips = 0;
    // Sources one after another, the most precise first: a play that two sources
    // both state in this batch is then matched like one already recorded, and the
    // precise record is the one kept.
    for (const ofSource of bySourcePrecision(prepared)) {
      const deltas = await this.history.insertNew(trx, userId, ofSource, hotStart, zone);
      await this.aggregates.addPlays(trx, userId, deltas);
      const ofThisSource = deltas.reduce((sum, d) => sum + d.plays + d.skips, 0);
      insertedBySource.set(ofSource[0]!.source, ofThisSource);
      inserted += ofThisSource;
      skips += deltas.reduce((sum, d) => sum + d.skips, 0);
    }
    return { inserted, skips, duplicates: plays.length - inserted, insertedBySource };
  }
}

function bySourcePrecision(plays: readonly PreparedPlay[]): PreparedPlay[][] {
  const groups = new Map<PlaySource, PreparedPlay[]>();
  for (const play of plays) {
    const group = groups.get(play.source);
    if (group) group.push(play);
    else groups.set(play.source, [play]);
  }
  return [...groups]
    .sort(([a], [b]) => SOURCE_PRECISION_MS[a] - SOURCE_PRECISION_MS[b])
    .map(([, group]) => group);
}

/** The first time each track was played in the batch: when a new track joins the library. */
function firstPlays(plays: readonly PlayToRecord[]) {
  const first = new Map<number, Date>();
  for (const play of plays) {
    const seen = first.get(play.trackId);
    if (!seen || play.playedAt < seen) first.set(play.trackId, play.playedAt);
  }
  return [...first].map(([trackId, addedAt]) => ({ trackId, addedAt }));
}

/** Every source's rows pass here: a bad one refuses the whole batch before anything is written. */
function assertPlausible(plays: readonly PlayToRecord[]): void {
  plays.forEach((play, index) => {
    const problem = implausibility(play.playedAt.getTime(), play.msPlayed);
    if (problem) throw new ApiError(400, 'invalid_play', `Play ${index} ${problem}`, { index });
  });
}

function isPartitionRouting(error: unknown): boolean {
  return error instanceof Error && /no partition of relation/.test(error.message);
}
