import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Numbers in [0, 1) from a seed: the same seed gives the same data on every machine. */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(scramble(seed));
  return () => uniformFloat64(rng);
}

/**
 * xoroshiro's first outputs for neighbouring seeds are nearly equal, and
 * callers seed per entity (seed + index): the seed's bits are mixed first
 * (murmur3's finaliser, high bits folded in).
 */
function scramble(seed: number): number {
  let h = (seed ^ Math.floor(seed / 2 ** 32)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
