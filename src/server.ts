import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { HttpErrorFilter } from './common/errors/http-error.filter.js';
import { registerHardening } from './common/http/hardening.js';
import { serveWebApp } from './common/http/web-app.js';
import { PinoNestLogger } from './common/logging/logger.js';
import type { AppConfig } from './config/config.js';
import type { Database } from './db/database.js';

/** JSON bodies above this are refused with 413; uploads (multipart) have their own limits. */
const JSON_BODY_LIMIT = 1024 * 1024;

/** The HTTP application on an open database, initialised but not listening. */
export async function createServer(
  config: AppConfig,
  database: Database,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(config, database),
    new FastifyAdapter({
      loggerInstance: logger,
      bodyLimit: JSON_BODY_LIMIT,
      trustProxy: config.http.trustProxy,
      requestTimeout: config.http.requestTimeoutMs,
    }),
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  // A route may raise its body limit with @RouteConfig({ bodyLimit }).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      const config = route.config as { bodyLimit?: unknown } | undefined;
      if (typeof config?.bodyLimit === 'number') route.bodyLimit = config.bodyLimit;
    });
  await app.register(cookie);
  await registerHardening(app, config.http);
  // Uploads stream to disk part by part; 2 GB per file is the largest export we take.
  await app.register(multipart, { limits: { fileSize: 2 * 1024 ** 3, files: 200 } });
  // Prometheus scrapes /metrics by convention; everything else lives under /api.
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  // Registered on the app (not as APP_FILTER) so the router's 404s get the same shape.
  app.useGlobalFilters(new HttpErrorFilter());
  await serveWebApp(app);
  setupOpenApi(app);
  return app;
}

function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Spotlib API')
    .setDescription('Your Spotify library and listening history, on PostgreSQL.')
    .setVersion('1')
    .build();
  const document = cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
}
