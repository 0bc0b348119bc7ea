import type { PlaySource } from '../db/schema.js';
import { SAME_SOURCE_SKEW_MS, isCoarse } from './play-sources.js';

export interface PlayToRecord {
  trackId: number;
  /** when the play ended */
  playedAt: Date;
  msPlayed: number;
  source: PlaySource;
  /** set by sources that decide themselves (a scrobble is a listen); else the user's threshold decides */
  skipped?: boolean | undefined;
  reasonStart?: string | null | undefined;
  reasonEnd?: string | null | undefined;
}

export interface PreparedPlay {
  userTrackId: number;
  playedAt: Date;
  msPlayed: number;
  source: PlaySource;
  skipped: boolean;
  reasonStart: string | null;
  reasonEnd: string | null;
  /**
   * Plays of one group may be the same real plays as existing ones: the group
   * adds only its surplus over the existing plays that match any of it. A
   * precise play is a group of its own; a coarse source's plays of one track
   * in one minute form one group.
   */
  group: number;
}

/**
 * Readies a batch for recording: drops repeats within the batch (a precise
 * play delivered twice, a coarse row stated twice), groups coarse plays per
 * (track, minute), and spreads a group's plays by a millisecond each so they
 * stay distinct rows.
 */
export function prepareBatch(
  plays: readonly PlayToRecord[],
  userTrackIdOf: (trackId: number) => number,
  playThresholdMs: number,
): PreparedPlay[] {
  const sorted = [...plays].sort(
    (a, b) => a.trackId - b.trackId || a.playedAt.getTime() - b.playedAt.getTime(),
  );
  const prepared: PreparedPlay[] = [];
  let group = 0;
  // Per track: the last precise play kept and the last coarse one, since plays
  // of another source at the same time can sort between two copies of a play.
  let trackId: number | undefined;
  let lastPrecise: PlayToRecord | undefined;
  let lastCoarse: { play: PlayToRecord; prepared: PreparedPlay } | undefined;
  // the durations in the coarse group: a row equal to one of them is the same row again
  const groupDurations = new Set<number>();
  for (const play of sorted) {
    if (play.trackId !== trackId) {
      trackId = play.trackId;
      lastPrecise = undefined;
      lastCoarse = undefined;
    }
    const coarse = isCoarse(play.source);
    if (!coarse && lastPrecise && isRedelivery(lastPrecise, play)) continue;
    // a coarse row's group is its minute, whatever milliseconds it comes with (a
    // track merge moves rows spread within their minute)
    const joinsGroup =
      coarse &&
      lastCoarse?.play.source === play.source &&
      minuteOf(lastCoarse.play) === minuteOf(play);
    if (coarse && joinsGroup && groupDurations.has(play.msPlayed)) continue;
    if (!joinsGroup) group++;
    if (coarse && !joinsGroup) groupDurations.clear();
    if (coarse) groupDurations.add(play.msPlayed);
    const offset = joinsGroup
      ? lastCoarse!.prepared.playedAt.getTime() + 1
      : coarse
        ? minuteOf(play)
        : play.playedAt.getTime();
    const row: PreparedPlay = {
      userTrackId: userTrackIdOf(play.trackId),
      playedAt: new Date(offset),
      msPlayed: play.msPlayed,
      source: play.source,
      skipped: play.skipped ?? play.msPlayed < playThresholdMs,
      reasonStart: play.reasonStart ?? null,
      reasonEnd: play.reasonEnd ?? null,
      group,
    };
    prepared.push(row);
    if (coarse) lastCoarse = { play, prepared: row };
    else lastPrecise = play;
  }
  return prepared;
}

const minuteOf = (play: PlayToRecord) => Math.floor(play.playedAt.getTime() / 60_000) * 60_000;

/** The same precise play twice in one batch (export files repeat rows). */
function isRedelivery(a: PlayToRecord, b: PlayToRecord): boolean {
  const apart = Math.abs(b.playedAt.getTime() - a.playedAt.getTime());
  const later = b.playedAt >= a.playedAt ? b : a;
  return apart <= Math.min(SAME_SOURCE_SKEW_MS, Math.max(1, later.msPlayed / 2));
}
