import type { World } from './world.js';

/**
 * The user's saved tracks ("Liked Songs") and play feed. Saved tracks are
 * kept oldest first in two parallel arrays, so a save appends and a page
 * (newest first, as Spotify pages) reads a slice from the end.
 */

/** Spotify's recently-played feed holds the last 50 plays only. */
export const PLAY_FEED_SIZE = 50;

/** The generated library was saved before this instant (fixed, so a seed's pages are the same every run). */
const LIBRARY_SAVED_BEFORE = Date.UTC(2026, 0, 1);

export interface SavedTrack {
  trackIndex: number;
  /** Whole seconds, as Spotify's added_at has no milliseconds. */
  addedAtMs: number;
}

export interface Play {
  trackIndex: number;
  playedAtMs: number;
}

export class Library {
  private readonly savedIndexes: number[] = [];
  private readonly savedAddedAt: number[] = [];
  private readonly saved = new Set<number>();
  /** Newest first, at most PLAY_FEED_SIZE, distinct played_at. */
  private playFeed: Play[] = [];

  /** Every catalog track saved once, in a shuffled order, at distinct seconds; and 50 plays just before `now`. */
  constructor(world: World, now: number) {
    const random = world.randomStream(1);
    const order = new Int32Array(world.trackCount);
    for (let i = 0; i < order.length; i++) order[i] = i;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    // Walk back in time from the newest save, 1 minute to 2 hours between saves.
    const addedAt = new Array<number>(order.length);
    let at = Math.floor(LIBRARY_SAVED_BEFORE / 1000) - 3600;
    for (let i = order.length - 1; i >= 0; i--) {
      addedAt[i] = at * 1000;
      at -= 60 + Math.floor(random() * 7140);
    }
    for (let i = 0; i < order.length; i++) this.append(order[i]!, addedAt[i]!);

    const plays: Play[] = [];
    let playedAt = now - 60_000 - Math.floor(random() * 600_000);
    for (let i = 0; i < PLAY_FEED_SIZE; i++) {
      const trackIndex = Math.floor(random() * world.trackCount);
      plays.push({ trackIndex, playedAtMs: playedAt });
      // The previous play ended before this one: a track's length and a pause earlier.
      playedAt -= world.track(trackIndex).durationMs + Math.floor(random() * 120_000) + 1;
    }
    this.playFeed = plays;
  }

  get savedCount(): number {
    return this.savedIndexes.length;
  }

  /** The saved tracks' catalog indexes, oldest first. */
  get savedTrackIndexes(): readonly number[] {
    return this.savedIndexes;
  }

  /** The saved track at `position`, 0 the newest. */
  savedAt(position: number): SavedTrack {
    const i = this.savedIndexes.length - 1 - position;
    return { trackIndex: this.savedIndexes[i]!, addedAtMs: this.savedAddedAt[i]! };
  }

  isSaved(trackIndex: number): boolean {
    return this.saved.has(trackIndex);
  }

  /**
   * Saves tracks at the top, in the order given (the last one ends up the
   * newest), one second apart from `addedAtMs`. A track already saved stays
   * where it is.
   */
  save(trackIndexes: readonly number[], addedAtMs: number): void {
    let at = Math.floor(addedAtMs / 1000) * 1000;
    for (const trackIndex of trackIndexes) {
      if (this.saved.has(trackIndex)) continue;
      this.append(trackIndex, at);
      at += 1000;
    }
  }

  unsave(trackIndexes: readonly number[]): void {
    const removed = new Set(trackIndexes.filter((i) => this.saved.has(i)));
    if (removed.size === 0) return;
    let kept = 0;
    for (let i = 0; i < this.savedIndexes.length; i++) {
      const trackIndex = this.savedIndexes[i]!;
      if (removed.has(trackIndex)) continue;
      this.savedIndexes[kept] = trackIndex;
      this.savedAddedAt[kept] = this.savedAddedAt[i]!;
      kept++;
    }
    this.savedIndexes.length = kept;
    this.savedAddedAt.length = kept;
    for (const trackIndex of removed) this.saved.delete(trackIndex);
  }

  /** The feed, newest first. */
  get plays(): readonly Play[] {
    return this.playFeed;
  }

  /** Adds plays to the feed; it keeps the newest PLAY_FEED_SIZE. A play at an instant already in the feed replaces it. */
  addPlays(plays: readonly Play[]): void {
    const byInstant = new Map(this.playFeed.map((play) => [play.playedAtMs, play]));
    for (const play of plays) byInstant.set(play.playedAtMs, play);
    this.playFeed = [...byInstant.values()]
      .sort((a, b) => b.playedAtMs - a.playedAtMs)
      .slice(0, PLAY_FEED_SIZE);
  }

  private append(trackIndex: number, addedAtMs: number): void {
    this.savedIndexes.push(trackIndex);
    this.savedAddedAt.push(addedAtMs);
    this.saved.add(trackIndex);
  }
}
