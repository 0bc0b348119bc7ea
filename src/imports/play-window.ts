import { metadataKey, type TrackMetadata } from '../catalog/track-metadata.js';
import type { PlayToRecord } from '../history/play-batch.js';
import type { ExportPlay } from './export-rows.js';
import { compareCodeUnits } from '../db/sort-key.js';
import { float64Column, int32Column, uint8Column } from './number-column.js';

const SOURCES = ['spotify_export', 'spotify_account_export'] as const;

/**
 * The rows read and not yet written. Plays are held as a few numbers each
 * (29 bytes, in typed arrays) and each track's metadata once, so a window
 * can span hundreds of thousands of plays in a few megabytes: written in artist order, a big import then
 * moves each counter about once per window instead of once per chunk.
 */
export class PlayWindow {
  /** the distinct tracks the plays name (null once handed over by `takeTracks`) */
  tracks: (TrackMetadata | null)[] = [];
  /** tracks of the library file (`YourLibrary.json`) */
  saved: TrackMetadata[] = [];
  private trackIndex = new Map<string, number>();
  private reasons: (string | null)[] = [null];
  private reasonIndex = new Map<string | null, number>([[null, 0]]);
  private trackOf = int32Column();
  private endedMs = float64Column();
  private msPlayed = float64Column();
  private sourceOf = uint8Column();
  private reasonStart = int32Column();
  private reasonEnd = int32Column();

  get plays(): number {
    return this.trackOf.length;
  }

  get rows(): number {
    return this.plays + this.saved.length;
  }

  add(play: ExportPlay): void {
    const key = metadataKey(play.track);
    let index = this.trackIndex.get(key);
    if (index === undefined) {
      index = this.tracks.push(play.track) - 1;
      this.trackIndex.set(key, index);
    }
    this.trackOf.push(index);
    this.endedMs.push(play.endedAt.getTime());
    this.msPlayed.push(play.msPlayed);
    this.sourceOf.push(SOURCES.indexOf(play.source));
    this.reasonStart.push(this.reasonCode(play.reasonStart));
    this.reasonEnd.push(this.reasonCode(play.reasonEnd));
  }

  /**
   * The plays in the order to write them: by artist and album name (so a
   * chunk holds few artists and albums), then track, then time; each track's
   * plays together.
   */
  ordered(): number[] {
    const byName = Array.from(this.tracks.keys()).sort((a, b) => {
      const [x, y] = [this.tracks[a], this.tracks[b]];
      return (
        compareCodeUnits(x?.artistName ?? '', y?.artistName ?? '') ||
        compareCodeUnits(x?.albumName ?? '', y?.albumName ?? '') ||
        a - b
      );
    });
    const rankOf: number[] = [];
    byName.forEach((track, rank) => (rankOf[track] = rank));
    const rank = (play: number) => rankOf[this.trackOf.at(play)]!;
    const order = Array.from({ length: this.plays }, (_, play) => play);
    return order.sort((a, b) => rank(a) - rank(b) || this.endedMs.at(a) - this.endedMs.at(b));
  }

  /**
   * The metadata of these tracks, forgotten here: once their plays are
   * written it is garbage, and the window shrinks as it is written.
   */
  takeTracks(indexes: readonly number[]): TrackMetadata[] {
    return indexes.map((i) => {
      const track = this.tracks[i]!;
      this.tracks[i] = null;
      return track;
    });
  }

  /** The index in `tracks` of play `i`'s track. */
  trackIndexOf(i: number): number {
    return this.trackOf.at(i);
  }

  /** Play `i` as the recorder takes it, its track being `trackId`. */
  toRecord(i: number, trackId: number): PlayToRecord {
    return {
      trackId,
      playedAt: new Date(this.endedMs.at(i)),
      msPlayed: this.msPlayed.at(i),
      source: SOURCES[this.sourceOf.at(i)]!,
      reasonStart: this.reasons[this.reasonStart.at(i)] ?? null,
      reasonEnd: this.reasons[this.reasonEnd.at(i)] ?? null,
    };
  }

  /** Hands over the rows and starts empty. */
  take(): PlayWindow {
    const taken = Object.assign(new PlayWindow(), this);
    Object.assign(this, new PlayWindow());
    return taken;
  }

  private reasonCode(reason: string | null): number {
    let code = this.reasonIndex.get(reason);
    if (code === undefined) {
      code = this.reasons.push(reason) - 1;
      this.reasonIndex.set(reason, code);
    }
    return code;
  }
}
