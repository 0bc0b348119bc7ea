import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { oauthErrorBody, registerAccountsRoutes } from './accounts-routes.js';
import { registerApiRoutes } from './api-routes.js';
import { sendFault } from './faults.js';
import { ApiError, sendApiError } from './http.js';
import { EmulatorState, type EmulatorOptions } from './state.js';
import { OAuthError } from './tokens.js';

export { EmulatorState, type EmulatorOptions, type PlaylistView } from './state.js';
export type { FaultSettings } from './faults.js';
export { codeChallenge } from './tokens.js';

/**
 * A local stand-in for Spotify: the accounts service (/authorize,
 * /api/token) and the Web API (/v1/...) on one origin, over a generated
 * catalog and library. Point Spotlib at it with
 * SPOTIFY_ACCOUNTS_URL=<url> and SPOTIFY_API_URL=<url>/v1.
 */
export interface SpotifyEmulator {
  /** `http://127.0.0.1:P`, no trailing slash. */
  url: string;
  state: EmulatorState;
  close(): Promise<void>;
}

export async function startSpotifyEmulator(
  options: EmulatorOptions & { port?: number; host?: string },
): Promise<SpotifyEmulator> {
  const state = new EmulatorState(options);
  const app = buildApp(state);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.url = url;
  state.user.href = `${url}/v1/users/${state.user.id}`;
  // before the first client: library pages then cost no rendering (the hrefs need the origin)
  state.objects.render(state.library.savedTrackIndexes);
  return { url, state, close: () => app.close() };
}

function buildApp(state: EmulatorState): FastifyInstance {
  const app = Fastify({ logger: false });

  // The token endpoint takes forms, as OAuth has it.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, new URLSearchParams(body.toString())),
  );

  const losingAnswer = new WeakSet<FastifyRequest>();
  // Counted first, then faults: a faulted request is answered before any handler can change state.
  app.addHook('onRequest', async (request, reply) => {
    const path = request.routeOptions.url ?? request.url.split('?')[0]!;
    const route = `${request.method} ${path}`;
    state.requestCounts[route] = (state.requestCounts[route] ?? 0) + 1;
    if (!path.startsWith('/v1/') && path !== '/api/token') return;
    const fault = state.faultDice.roll(state.faults);
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.answer === 'none') {
      if (state.takeLostAnswer(route)) losingAnswer.add(request);
      return;
    }
    return sendFault(reply, fault.answer, state.faults.retryAfterSeconds);
  });
  // After the handler acted: the client sees the connection drop, not the answer.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (losingAnswer.has(request)) request.raw.socket.destroy();
    return payload;
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OAuthError) return reply.code(400).send(oauthErrorBody(error));
    if (error instanceof ApiError) return sendApiError(reply, error);
    const message = error instanceof Error ? error.message : String(error);
    if (request.url.startsWith('/api/token')) {
      return reply.code(400).send({ error: 'invalid_request', error_description: message });
    }
    // Fastify's own: malformed JSON, a body too large, an unsupported media type.
    const status = statusOf(error);
    return sendApiError(reply, new ApiError(status, status < 500 ? message : 'Server error.'));
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/v1/'))
      return sendApiError(reply, new ApiError(404, 'Service not found'));
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  registerAccountsRoutes(app, state);
  void app.register(
    (v1, _options, done) => {
      registerApiRoutes(v1, state);
      done();
    },
    { prefix: '/v1' },
  );
  return app;
}

function statusOf(error: unknown): number {
  const status =
    typeof error === 'object' && error !== null && 'statusCode' in error
      ? Number(error.statusCode)
      : 500;
  return status >= 400 && status < 600 ? status : 500;
}
