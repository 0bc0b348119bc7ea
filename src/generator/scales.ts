/** How big a generated world is. */
export interface Scale {
  name: ScaleName;
  /** catalog size */
  artists: number;
  tracks: number;
  /** the first user: the heavy listener benchmarks page through */
  heavy: { tracks: number; plays: number };
  /** everyone else, alike */
  others: { users: number; tracks: number; plays: number };
}

export type ScaleName = 'S' | 'M' | 'L';

const M: Scale = {
  name: 'M',
  artists: 30_000,
  tracks: 250_000,
  heavy: { tracks: 100_000, plays: 1_000_000 },
  // 199 more users: 2M user tracks and 10M plays in all
  others: { users: 199, tracks: 9_548, plays: 45_226 },
};

export const SCALES: Record<ScaleName, Scale> = {
  S: {
    name: 'S',
    artists: 800,
    tracks: 5_000,
    heavy: { tracks: 5_000, plays: 50_000 },
    others: { users: 0, tracks: 0, plays: 0 },
  },
  M,
  L: {
    name: 'L',
    artists: M.artists * 5,
    tracks: M.tracks * 5,
    heavy: M.heavy,
    others: { users: 999, tracks: M.others.tracks, plays: M.others.plays },
  },
};

export const totalPlays = (scale: Scale) =>
  scale.heavy.plays + scale.others.users * scale.others.plays;

/**
 * The demo profile's world (POST /api/demo): a library to look around in,
 * small enough to be made in a few seconds on PGlite. Not a CLI scale.
 */
export const DEMO_SCALE: Scale = {
  name: 'S',
  artists: 60,
  tracks: 400,
  heavy: { tracks: 300, plays: 3_000 },
  others: { users: 0, tracks: 0, plays: 0 },
};
