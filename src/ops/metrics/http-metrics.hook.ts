import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { WEB_APP_ROUTE } from '../../common/http/web-app.js';
import { AppMetrics, UNMATCHED_ROUTE } from './app-metrics.service.js';

/**
 * Times every HTTP request by its route template (`/api/tracks/:id`, never
 * the raw URL). A Fastify hook rather than a Nest interceptor: it also sees
 * requests that never reach a controller (404s, refused bodies, guards).
 */
@Injectable()
export class HttpMetricsHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: AppMetrics,
  ) {}

  onModuleInit(): void {
    // A CLI command runs the application without an HTTP server: no adapter then.
    const fastify = (this.adapterHost.httpAdapter as FastifyAdapter | undefined)?.getInstance();
    if (!fastify) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url;
      // the web app's catch-all answers unknown paths with 404: those matched nothing real
      const unmatched = !route || (route === WEB_APP_ROUTE && reply.statusCode === 404);
      this.metrics.observeHttpRequest(
        request.method,
        unmatched ? UNMATCHED_ROUTE : route,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
