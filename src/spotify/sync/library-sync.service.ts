import { Inject, Injectable } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import { CoalescedWork, awaitedLater, readAhead } from '../../common/async.js';
import { ApiError } from '../../common/errors/http-error.filter.js';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { DB } from '../../db/schema.js';
import { LibraryMembershipService, type Liked } from '../../library/library-membership.service.js';
import type { TrackToAdd } from '../../library/library.repository.js';
import {
  LIBRARY_TABLES,
  TableStatisticsService,
} from '../../ops/database/table-statistics.service.js';
import { PAGE_LIMIT, type SpotifyApi } from '../spotify-api.client.js';
import type { SpotifyPaging, SpotifySavedTrack } from '../spotify-api.types.js';
import {
  SpotifyTrackImporter,
  factsOf,
  isCatalogTrack,
  type TrackFacts,
} from './spotify-track-importer.service.js';
import { SyncStateRepository } from './sync-state.repository.js';

export type LibrarySyncMode = 'full' | 'incremental';

/** Where a library sync run is: resumable after a crash (sync_state.checkpoint). */
const checkpointSchema = z.object({
  mode: z.enum(['full', 'incremental']),
  offset: z.number().int().min(0),
  runStart: z.iso.datetime(),
  newTracks: z.number().int().min(0),
  /** the library's size when the run started (full runs) */
  total: z.number().int().min(0).optional(),
});
type Checkpoint = z.infer<typeof checkpointSchema>;

/**
 * Un-saves on Spotify while a run was interrupted shift later items up: a
 * resumed run re-reads this many items before its checkpoint, so none is
 * skipped (re-reading is harmless: saving is idempotent).
 */
const RESUME_OVERLAP = 50;
/** Saved items written per transaction in a full pass: 1000 measured no faster, and bigger. */
const BATCH_ITEMS = 500;
/**
 * Pages requested ahead in a full pass: the next write's pages arrive while
 * this one is written (the HTTP client caps what is in flight at once).
 */
const LOOKAHEAD = 10;

export interface LibrarySyncResult {
  mode: LibrarySyncMode;
  /** tracks that joined the library */
  newTracks: number;
  /** liked tracks no longer saved on Spotify (full sync only) */
  unliked: number;
  /** checkpointed writes */
  writes: number;
}

/**
 * Spotify's Liked Songs into the library (bounded memory, set-based writes,
 * a checkpoint per write). Incremental reads newest first and stops at the
 * first page with nothing newly liked; full reads everything, a window at a
 * time, and then un-likes what it did not see.
 */
@Injectable()
export class LibrarySyncService {
  constructor(
    private readonly states: SyncStateRepository,
    private readonly importer: SpotifyTrackImporter,
    private readonly membership: LibraryMembershipService,
    private readonly statistics: TableStatisticsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    userId: number,
    api: SpotifyApi,
    requested: LibrarySyncMode | undefined,
    progress: (done: number, total: number) => void,
  ): Promise<LibrarySyncResult> {
    const claim = await this.states.claim(userId, 'library');
    if (!claim) throw syncRunning('library');
    // An interrupted run resumes, unless another mode was asked for.
    const previous = resumed(claim.checkpoint);
    const resumes = previous && (requested === undefined || requested === previous.mode);
    const run: Checkpoint = resumes
      ? previous
      : {
          mode: requested ?? (claim.lastSuccessAt ? 'incremental' : 'full'),
          offset: 0,
          runStart: new Date().toISOString(),
          newTracks: 0,
        };
    try {
      const result = await this.readPages(userId, api, run, progress);
      await this.states.complete(userId, 'library');
      return result;
    } catch (error) {
      await this.states.fail(userId, 'library', String(error));
      throw error;
    }
  }

  private async readPages(
    userId: number,
    api: SpotifyApi,
    run: Checkpoint,
    progress: (done: number, total: number) => void,
  ): Promise<LibrarySyncResult> {
    const stoppedAt = run.offset;
    const start = { ...run, offset: Math.max(0, run.offset - RESUME_OVERLAP) };
    const pass = new Pass(this.states, userId, start, progress);
    const runStart = new Date(run.runStart);
    // Statistics follow the tables' growth behind the writes, not between them.
    const statistics = new CoalescedWork(() => this.statistics.analyzeGrown(LIBRARY_TABLES));
    const save: BatchSaver = {
      catalog: (items) => this.catalogTracks(items),
      library: async (tracks, checkpoint) => {
        const liked = await this.membership.like(userId, tracks, {
          syncedAt: runStart,
          checkpoint,
        });
        statistics.request();
        return liked;
      },
    };
    try {
      const result =
        start.mode === 'incremental'
          ? await this.incrementalPass(api, start.offset, stoppedAt, pass, save)
          : await this.fullPass(userId, api, start.offset, pass, save, runStart);
      await statistics.settle();
      return result;
    } finally {
      // a failed batch leaves the write before it to finish before the run is marked failed
      await pass.finished().catch(() => undefined);
    }
  }

  /** Newest first, until a page with nothing newly liked. */
  private async incrementalPass(
    api: SpotifyApi,
    offset: number,
    stoppedAt: number,
    pass: Pass,
    save: BatchSaver,
  ): Promise<LibrarySyncResult> {
    let read = offset;
    for await (const page of api.savedTrackPages(read)) {
      read += page.items.length;
      const liked = await pass.write({ ...slim(page), resumeAt: read }, save).liked;
      // A resumed incremental run goes on at least to the page where it stopped.
      if (liked.newlyLiked === 0 && read > stoppedAt) break;
    }
    return pass.result(0);
  }

  /**
   * Reads every saved track, a window at a time, and writes each window in
   * artist and album order: a batch then moves the track counts of a few
   * artists and albums instead of one each per track (Spotify's order is the
   * order of saving). The next window is read while one is written. A write
   * checkpoints the window's start until the window's last write, so a
   * resumed run re-reads at most a window; re-saving is idempotent, and new
   * tracks stay exact, as the count is checkpointed with each write.
   */
  private async fullPass(
    userId: number,
    api: SpotifyApi,
    offset: number,
    pass: Pass,
    save: BatchSaver,
    runStart: Date,
  ): Promise<LibrarySyncResult> {
    const totals = new Set<number>();
    const pages = pagesAhead(api, offset);
    let start = offset;
    for await (const window of readAhead(windows(pages, this.config.syncWindowItems))) {
      for (const total of window.totals) totals.add(total);
      pass.total ??= window.totals[0];
      const total = window.totals.at(-1)!;
      const end = start + window.items.length;
      const sorted = inArtistOrder(window.items);
      for (let i = 0; i < sorted.length; i += BATCH_ITEMS) {
        const items = sorted.slice(i, i + BATCH_ITEMS);
        const resumeAt = i + BATCH_ITEMS >= sorted.length ? end : start;
        await pass.write({ items, total, resumeAt }, save).ready;
      }
      start = end;
    }
    await pass.finished();
    // Offsets shift when the library changes during the run (before an interruption too):
    // an item may have been skipped, so un-like nothing this time (the next full sync will).
    const stable = totals.size === 1 && totals.has(pass.total!);
    const unliked = stable ? await this.membership.unlikeNotSeenSince(userId, runStart) : 0;
    return pass.result(unliked);
  }

  /** The batch's tracks in the catalog: what the library write then takes. */
  private async catalogTracks(items: readonly SavedItem[]): Promise<TrackToAdd[]> {
    const saved = items.filter((i) => isCatalogTrack(i.track));
    const trackIds = await this.importer.importTracks(saved.map((i) => i.track));
    return distinctTracks(
      saved.map((item, i) => ({ trackId: trackIds[i]!, addedAt: new Date(item.added_at) })),
    );
  }
}

function resumed(checkpoint: string | null): Checkpoint | undefined {
  if (!checkpoint) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(checkpoint);
  } catch {
    return undefined;
  }
  const run = checkpointSchema.safeParse(parsed);
  if (!run.success) return undefined;
  return run.data;
}

/** Two saved items can name one catalog track (a relinked track): keep the earliest save. */
function distinctTracks(tracks: { trackId: number; addedAt: Date }[]) {
  const first = new Map<number, { trackId: number; addedAt: Date }>();
  for (const t of tracks) {
    const seen = first.get(t.trackId);
    if (!seen || t.addedAt < seen.addedAt) first.set(t.trackId, t);
  }
  return [...first.values()];
}

export function syncRunning(kind: string): ApiError {
  return new ApiError(409, 'sync_running', `A Spotify ${kind} sync is already running for you`);
}

/** Saved items written in one transaction, and where a run resumes once they are. */
interface Batch {
  items: SavedItem[];
  /** the library's size as the last page read said */
  total: number;
  resumeAt: number;
}

/** How a batch is saved: into the catalog, then into the user's library. */
interface BatchSaver {
  catalog(items: readonly SavedItem[]): Promise<TrackToAdd[]>;
  library(
    tracks: readonly TrackToAdd[],
    checkpoint: (trx: Transaction<DB>, liked: Liked) => Promise<void>,
  ): Promise<Liked>;
}

/**
 * A pass over the saved tracks: its checkpoint and progress after each
 * write. A batch's catalog work runs while the batch before it is
 * written to the library (the two use different rows and connections), so
 * the database works on both at once; library writes and checkpoints stay
 * in order.
 */
class Pass {
  total: number | undefined;
  /** items written, counted from where this run started reading (progress) */
  private done: number;
  private newTracks: number;
  private pages = 0;
  private lastWrite: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly states: SyncStateRepository,
    private readonly userId: number,
    private readonly run: Checkpoint,
    private readonly progress: (done: number, total: number) => void,
  ) {
    this.done = run.offset;
    this.total = run.total;
    this.newTracks = run.newTracks;
  }

  /**
   * Starts saving a batch. `ready` settles when the next batch may start
   * (this one's catalog work and the previous library write are done);
   * `liked` when this batch is written and checkpointed.
   */
  write(batch: Batch, save: BatchSaver) {
    const tracks = awaitedLater(save.catalog(batch.items));
    const previous = this.lastWrite;
    const liked = awaitedLater(
      (async () => {
        await previous;
        return this.saveLibrary(batch, save, await tracks);
      })(),
    );
    this.lastWrite = liked;
    const ready = awaitedLater(Promise.all([previous, tracks]).then(() => undefined));
    return { ready, liked };
  }

  /** Settles when the last batch started is written. */
  finished(): Promise<unknown> {
    return this.lastWrite;
  }

  /** The batch into the library, with the checkpoint in its transaction: a resumed run counts exactly. */
  private async saveLibrary(batch: Batch, save: BatchSaver, tracks: TrackToAdd[]) {
    const done = this.done + batch.items.length;
    const liked = await save.library(tracks, async (trx, liked) => {
      const checkpoint: Checkpoint = {
        ...this.run,
        offset: batch.resumeAt,
        newTracks: this.newTracks + liked.added,
        total: this.total,
      };
      await this.states.progress(
        this.userId,
        'library',
        { checkpoint: JSON.stringify(checkpoint), done, total: batch.total },
        trx,
      );
    });
    this.pages++;
    this.done = done;
    this.newTracks += liked.added;
    this.progress(done, batch.total);
    return liked;
  }

  result(unliked: number): LibrarySyncResult {
    return { mode: this.run.mode, newTracks: this.newTracks, unliked, writes: this.pages };
  }
}

/**
 * Saved-track pages from `offset` to the end, in order, with up to
 * LOOKAHEAD requests in flight: a full pass knows every offset once the
 * first page gives the total, and Spotify answers pages independently.
 */
async function* pagesAhead(api: SpotifyApi, offset: number): AsyncGenerator<SavedPage> {
  const first = slim(await api.savedTracks(offset));
  yield first;
  if (first.items.length === 0) return;
  let next = offset + first.items.length;
  const inFlight: Promise<SavedPage>[] = [];
  const request = () => {
    if (next >= first.total) return;
    inFlight.push(awaitedLater(api.savedTracks(next).then(slim)));
    next += PAGE_LIMIT;
  };
  for (let i = 0; i < LOOKAHEAD; i++) request();
  while (inFlight.length > 0) {
    const page = await inFlight.shift()!;
    request();
    yield page;
  }
}

/**
 * Pages gathered into windows of at least `size` items (the last one may be
 * smaller). The first windows are a write each, then twice the one before:
 * writing starts as soon as the first write's pages arrive.
 */
async function* windows(
  pages: AsyncIterable<SavedPage>,
  size: number,
): AsyncGenerator<{ items: SavedItem[]; totals: number[] }> {
  let target = Math.min(BATCH_ITEMS, size);
  let window = { items: [] as SavedItem[], totals: [] as number[] };
  for await (const page of pages) {
    window.items.push(...page.items);
    window.totals.push(page.total);
    if (window.items.length < target) continue;
    yield window;
    window = { items: [], totals: [] };
    target = Math.min(target * 2, size);
  }
  if (window.totals.length > 0) yield window;
}

/** Grouped by the track's artist, then album: what moves the counts of the fewest of them per batch. */
function inArtistOrder(items: readonly SavedItem[]): SavedItem[] {
  const key = ({ track }: SavedItem) =>
    `${track.artists[0]?.name ?? ''}\u0000${track.artists[0]?.id ?? ''}\u0000${track.album.id}`;
  return items
    .map((item) => ({ item, key: key(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

/** A saved track as a pass keeps it: the facts only, not Spotify's whole object. */
interface SavedItem {
  added_at: string;
  track: TrackFacts;
}
type SavedPage = Pick<SpotifyPaging<SavedItem>, 'items' | 'total'>;

function slim(page: SpotifyPaging<SpotifySavedTrack>): SavedPage {
  return {
    items: page.items.map((i) => ({ added_at: i.added_at, track: factsOf(i.track) })),
    total: page.total,
  };
}
