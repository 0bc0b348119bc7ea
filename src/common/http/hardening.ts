import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { HttpConfig } from '../../config/config.js';
import { ApiError, type ErrorBody } from '../errors/http-error.filter.js';

/**
 * Route config (`@RouteConfig({ upload: true })`) of a route that streams a
 * large upload: its body has REQUEST_TIMEOUT_SECONDS to arrive, not the
 * body deadline of everything else.
 */
export interface UploadRouteConfig {
  upload?: boolean;
}

/**
 * An address may send this many times a user's allowance: a household
 * behind one router shares it, and one client cannot exhaust it for them.
 */
const ADDRESS_ALLOWANCE_FACTOR = 4;

/**
 * What every request goes through before a controller sees it: security
 * headers, a rate limit per address (the user guard adds one per user), and
 * a deadline for its body to arrive.
 */
export async function registerHardening(
  app: NestFastifyApplication,
  config: HttpConfig,
): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: CONTENT_SECURITY },
  });
  if (config.rateLimitPerMinute > 0) {
    // keyed by the client's address (IPv6 by /64), never by a credential the
    // guard has not checked yet: made-up tokens must not buy fresh allowances
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute * ADDRESS_ALLOWANCE_FACTOR,
      timeWindow: 60_000,
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
  // over plain HTTP (a LAN install) browsers would rewrite every asset to https and load none
  upgradeInsecureRequests: null,
};

/** Thrown into the error filter, so a 429 has the API's one error shape. */
export function tooManyRequests(after: string): ApiError & { statusCode: number } {
  return Object.assign(
    new ApiError(429, 'rate_limited', `Too many requests: try again in ${after}`),
    { statusCode: 429 },
  );
}

/**
 * A request whose body trickles in (a slow client, or one holding sockets
 * open on purpose) is cut off after `timeoutMs`, not when Node's whole-request
 * timeout ends. Only the upload route gets that longer timeout. A reply sent
 * before the body was read whole (a GET with a body, a refused upload) closes
 * the connection: Node would otherwise keep reading the rest, with no deadline.
 */
function addBodyDeadline(app: NestFastifyApplication, timeoutMs: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const deadlines = new WeakMap<FastifyRequest, NodeJS.Timeout>();
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!(request.routeOptions.config as UploadRouteConfig).upload) {
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
    }
    done();
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.raw.complete) void reply.header('connection', 'close');
    done(null, payload);
  });
  const clear = (request: FastifyRequest, done: () => void) => {
    clearTimeout(deadlines.get(request));
    done();
  };
  fastify.addHook('preValidation', (request, _reply, done) => clear(request, done));
  fastify.addHook('onResponse', (request, _reply, done) => clear(request, done));
  fastify.addHook('onRequestAbort', (request, done) => clear(request, done));
}
