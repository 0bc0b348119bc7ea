/** Spotify launched in 2008; no play is older. */
export const FIRST_PLAY_MS = Date.UTC(2008, 0, 1);
/** A client's clock may run a little ahead. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Longer than any track, episode or mix anyone plays in one go. */
export const MAX_PLAY_MS = 12 * 3600_000;

/**
 * Why a play cannot be real, or null when it can: every source's rows pass
 * this (importers skip such a row and report it; the recorder refuses it).
 */
export function implausibility(endedAtMs: number, msPlayed: number): string | null {
  if (Number.isNaN(endedAtMs)) return 'has no valid time';
  if (endedAtMs < FIRST_PLAY_MS) return 'ended before 2008';
  if (endedAtMs > Date.now() + CLOCK_SKEW_MS) return 'ends in the future';
  if (!Number.isInteger(msPlayed) || msPlayed < 0 || msPlayed > MAX_PLAY_MS) {
    return `lasted an implausible ${msPlayed} ms`;
  }
  return null;
}
