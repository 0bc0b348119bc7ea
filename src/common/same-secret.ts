import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two secrets (tokens, MACs, keys) are equal, in time that does not
 * tell how much of a guess was right. Lengths may differ (a guess), which
 * timingSafeEqual alone would throw on; a length is no secret.
 */
export function sameSecret(given: string | Buffer, expected: string | Buffer): boolean {
  const a = typeof given === 'string' ? Buffer.from(given) : given;
  const b = typeof expected === 'string' ? Buffer.from(expected) : expected;
  return a.length === b.length && timingSafeEqual(a, b);
}
