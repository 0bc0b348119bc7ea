import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ErrorBody } from '../errors/http-error.filter.js';

/** The route of every page path of the app (and of unknown API paths, which it answers 404). */
export const WEB_APP_ROUTE = '/*';

/** Where `npm run build` puts the web app: dist/web under the app's folder. */
export const WEB_APP_DIR = path.join(appFolder(import.meta.dirname), 'dist/web');

/**
 * Serves the web app at `/`: its files as they are, and index.html for any
 * other page path (the app routes in the browser). Static files need no user;
 * the app signs in through the API. Without a build, there is nothing to serve.
 */
export async function serveWebApp(app: NestFastifyApplication): Promise<void> {
  if (!existsSync(path.join(WEB_APP_DIR, 'index.html'))) return;
  await app.register(fastifyStatic, { root: WEB_APP_DIR, prefix: '/', wildcard: false });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get(WEB_APP_ROUTE, async (request, reply) => {
    if (request.url.startsWith('/api/') || request.url === '/api') {
      const body: ErrorBody = {
        error: 'not_found',
        message: `Cannot GET ${request.url.split('?')[0]}`,
      };
      return reply.code(404).type('application/json').send(body);
    }
    return reply.type('text/html').sendFile('index.html');
  });
}

/** The folder holding package.json, above this module in src/, build/ or a bundle's chunk. */
function appFolder(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (dir === path.dirname(dir)) throw new Error(`No package.json above ${from}`);
  }
}
