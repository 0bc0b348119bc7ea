import type { FastifyReply } from 'fastify';
import { seededRandom } from '../../common/seeded-random.js';
import { errorBody } from './http.js';

/**
 * The emulator's misbehaviour, settable at run time through
 * `state.faults`. A request draws its fault before any handler runs, so a
 * failed request never changes anything.
 */
export interface FaultSettings {
  /** Share of requests answered 429 (with Retry-After) or 500, half each. */
  failRate: number;
  /** Retry-After of a 429, in seconds; fractional values (0.05) keep tests fast. */
  retryAfterSeconds: number;
  /** Share of requests answered 429 with reason QUOTA_EXCEEDED (drawn before failRate). */
  quotaExceededRate?: number;
  /** Share of requests answered only after slowMs; unset: a tenth of failRate. */
  slowRate?: number;
  /** How long a slow answer takes. */
  slowMs: number;
}

export type FaultAnswer = 'none' | 'rate-limited' | 'quota-exceeded' | 'server-error';

export interface Fault {
  /** Wait this long before answering (0: no delay). */
  delayMs: number;
  answer: FaultAnswer;
}

export class FaultDice {
  private readonly random: () => number;

  constructor(seed: number) {
    // A stream of its own: faults do not shift with the world's generation.
    this.random = seededRandom(seed * 31 + 7);
  }

  /** Four draws per request whatever the settings, so a seed's sequence of faults stays put. */
  roll(settings: FaultSettings): Fault {
    const [slow, quota, fail, kind] = [this.random(), this.random(), this.random(), this.random()];
    const slowRate = settings.slowRate ?? settings.failRate / 10;
    const delayMs = slow < slowRate ? settings.slowMs : 0;
    if (quota < (settings.quotaExceededRate ?? 0)) return { delayMs, answer: 'quota-exceeded' };
    if (fail < settings.failRate) {
      return { delayMs, answer: kind < 0.5 ? 'rate-limited' : 'server-error' };
    }
    return { delayMs, answer: 'none' };
  }
}

/** Answers a faulted request as Spotify would: 429 with Retry-After (seconds), or 500. */
export function sendFault(
  reply: FastifyReply,
  answer: Exclude<FaultAnswer, 'none'>,
  retryAfterSeconds: number,
): FastifyReply {
  switch (answer) {
    case 'rate-limited':
      return reply
        .code(429)
        .header('retry-after', String(retryAfterSeconds))
        .send(errorBody(429, 'API rate limit exceeded'));
    case 'quota-exceeded':
      return reply
        .code(429)
        .header('retry-after', String(retryAfterSeconds))
        .send(errorBody(429, 'API quota exceeded', 'QUOTA_EXCEEDED'));
    case 'server-error':
      return reply.code(500).send(errorBody(500, 'Server error.'));
  }
}
