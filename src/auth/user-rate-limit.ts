import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { tooManyRequests } from '../common/http/hardening.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { RequestWithUser } from './current-user.decorator.js';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * RATE_LIMIT_PER_MINUTE per user, counted once the guard knows who it is:
 * from every address and with every token of theirs together (the address
 * limit runs earlier, for everyone). Uses the rate-limit plugin's own store.
 */
@Injectable()
export class UserRateLimit {
  private limiter?: Limiter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Counts a request of the user the guard put on it. */
  async check(request: FastifyRequest & RequestWithUser, reply: FastifyReply): Promise<void> {
    const perMinute = this.config.http.rateLimitPerMinute;
    if (perMinute === 0) return;
    this.limiter ??= this.adapterHost.httpAdapter.getInstance<FastifyInstance>().createRateLimit({
      max: perMinute,
      timeWindow: 60_000,
      keyGenerator: (counted) => `user:${(counted as RequestWithUser).user!.id}`,
    });
    const result = await this.limiter(request);
    if (result.isAllowed || !result.isExceeded) return;
    void reply.header('retry-after', String(result.ttlInSeconds));
    throw tooManyRequests(`${result.ttlInSeconds} seconds`);
  }
}
