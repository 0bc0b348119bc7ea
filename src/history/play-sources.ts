import type { PlaySource } from '../db/schema.js';

/**
 * How exactly each source knows when a play ended. A play's true end lies in
 * [played_at, played_at + precision]: account data gives only the minute
 * (truncated), ListenBrainz a start in seconds plus a duration.
 */
export const SOURCE_PRECISION_MS: Record<PlaySource, number> = {
  spotify_export: 0,
  spotify_recent: 0,
  generator: 0,
  listenbrainz: 1_000,
  spotify_account_export: 60_000,
};

/** Clock skew allowed between two sources' records of one play. */
export const CROSS_SOURCE_SKEW_MS = 60_000;
/** Rounding allowed between two deliveries of one play by the same source. */
export const SAME_SOURCE_SKEW_MS = 1_000;

/**
 * How far apart Spotify's own precise records of one play (the export, the
 * recently played list) under two ids of one song may end. Not half a play's
 * duration, as for one track: the recently played list states a track's full
 * length, not the time it played, and someone may skip the album version for
 * the single seconds later. A ListenBrainz listen, whose end is its start plus
 * the track's stated length, keeps the half-duration rule.
 */
export const NAMESAKE_SKEW_MS = 5_000;

/** A source whose plays are located to the minute or worse: matched by counting. */
export const isCoarse = (source: PlaySource): boolean => SOURCE_PRECISION_MS[source] >= 60_000;
