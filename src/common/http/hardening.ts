import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { HttpConfig } from '../../config/config.js';
import { ApiError, type ErrorBody } from '../errors/http-error.filter.js';

/**
 * What every request goes through before a controller sees it: security
 * headers, a rate limit, and a deadline for its body to arrive.
 */
export async function registerHardening(
  app: NestFastifyApplication,
  config: HttpConfig,
): Promise<void> {
  await app.register(helmet, { contentSecurityPolicy: { directives: CONTENT_SECURITY } });
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: rateLimitKey,
      errorResponseBuilder: (_request, context) => tooManyRequests(context.after),
    });
  }
  addBodyDeadline(app, config.bodyTimeoutMs);
}

/** Album art comes from Spotify's image CDN; everything else from this origin. */
const CONTENT_SECURITY = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https://i.scdn.co', 'https://*.scdn.co'],
  // the API docs page (Swagger UI) styles itself inline
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * A credential stands for its user, so a user's limit holds from every
 * address; requests without one share their address's limit. The key is a
 * hash: the limiter's memory never holds a secret.
 */
function rateLimitKey(request: FastifyRequest): string {
  const credential = request.headers.authorization ?? request.cookies.spotlib_session;
  if (!credential) return `ip:${request.ip}`;
  return `credential:${createHash('sha256').update(credential).digest('base64url').slice(0, 22)}`;
}

/** Thrown into the error filter, so a 429 has the API's one error shape. */
function tooManyRequests(after: string): ApiError & { statusCode: number } {
  return Object.assign(
    new ApiError(429, 'rate_limited', `Too many requests: try again in ${after}`),
    { statusCode: 429 },
  );
}

/**
 * A request whose body trickles in (a slow client, or one holding sockets
 * open on purpose) is cut off after `timeoutMs`, not when Node's whole-request
 * timeout ends. Uploads (multipart) get that longer timeout only.
 */
function addBodyDeadline(app: NestFastifyApplication, timeoutMs: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const deadlines = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.headers['content-type']?.startsWith('multipart/')) return;
    const timer = setTimeout(() => {
      if (!reply.raw.headersSent) {
        const body: ErrorBody = {
          error: 'request_timeout',
          message: `The request body did not arrive within ${timeoutMs / 1000} s`,
        };
        reply.raw.writeHead(408, { 'content-type': 'application/json', connection: 'close' });
        reply.raw.end(JSON.stringify(body));
      }
      request.raw.destroy();
    }, timeoutMs);
    timer.unref();
    deadlines.set(request, timer);
  });
  const clear = (request: FastifyRequest, done: () => void) => {
    clearTimeout(deadlines.get(request));
    done();
  };
  fastify.addHook('preValidation', (request, _reply, done) => clear(request, done));
  fastify.addHook('onResponse', (request, _reply, done) => clear(request, done));
  fastify.addHook('onRequestAbort', (request, done) => clear(request, done));
}
