import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpotifyPaging } from '../src/spotify/spotify-api.types.js';
import {
  SpotifyApiError,
  SpotifyError,
  SpotifyOAuthError,
  SpotifyRateLimitError,
  SpotifyUnauthorizedError,
  SpotifyUnavailableError,
} from '../src/spotify/spotify-errors.js';
import { SpotifyHttp, type SpotifyHttpOptions } from '../src/spotify/spotify-http.js';

/**
 * A local HTTP server answers as scripted per test; the client under test
 * talks to it over real sockets.
 */

interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request arrived */
  at: number;
}

interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** answer this late (beyond the client's timeout, say) */
  delayMs?: number;
}

/** Destroy the socket instead of answering. */
const RESET = 'reset';

type Handler = (request: SeenRequest, response: ServerResponse, index: number) => Promise<void>;

let server: Server;
let baseUrl: string;
let handler: Handler;
let seen: SeenRequest[];
let inFlight: number;
let maxInFlight: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seenRequest: SeenRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      seen.push(seenRequest);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // 'close' also fires when the socket is destroyed, so a reset is counted out too.
      response.on('close', () => (inFlight -= 1));
      handler(seenRequest, response, seen.length - 1).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : undefined);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  inFlight = 0;
  maxInFlight = 0;
  handler = () => Promise.reject(new Error('no answer scripted for this test'));
});

/** Request n gets answers[n]; the last answer repeats. */
function serve(...answers: (ScriptedAnswer | typeof RESET)[]): void {
  handler = async (_request, response, index) => {
    const answer = answers[Math.min(index, answers.length - 1)];
    if (answer === undefined) throw new Error('serve() needs at least one answer');
    if (answer === RESET) {
      response.socket?.destroy();
      return;
    }
    if (answer.delayMs) await delay(answer.delayMs);
    reply(response, answer);
  };
}

function reply(response: ServerResponse, answer: ScriptedAnswer): void {
  // The client may have given up (timeout) and closed the socket meanwhile.
  if (response.destroyed) return;
  const { body } = answer;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const contentType = typeof body === 'string' ? 'text/html' : 'application/json';
  response.writeHead(answer.status, { 'content-type': contentType, ...answer.headers });
  response.end(text);
}

const ok = (body: unknown): ScriptedAnswer => ({ status: 200, body });
const serverError = (status = 500): ScriptedAnswer => ({
  status,
  body: { error: { status, message: 'Server error' } },
});
const tooManyRequests = (retryAfter?: string, reason?: string): ScriptedAnswer => ({
  status: 429,
  body: { error: { status: 429, message: 'API rate limit exceeded', reason } },
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
});

/** Sleeps are recorded and advance a fake clock at once, so waits cost no real time. */
let sleeps: number[];
let clock: number;

function fastHttp(options: SpotifyHttpOptions = {}): SpotifyHttp {
  sleeps = [];
  clock = 1_000_000;
  return new SpotifyHttp({
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    now: () => clock,
    ...options,
  });
}

function tokenSource(token = 'old-token', refreshed = 'new-token') {
  return {
    token: vi.fn(() => Promise.resolve(token)),
    refresh: vi.fn(() => Promise.resolve(refreshed)),
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('SpotifyHttp.api', () => {
  it('sends a bearer token and the query without undefined values, and parses the JSON answer', async () => {
    serve(ok({ id: 'me' }));
    const auth = tokenSource();
    const result = await fastHttp().api<{ id: string }>({
      url: `${baseUrl}/v1/me/tracks`,
      query: { limit: 50, offset: 0, market: undefined, q: 'a b' },
      auth,
    });
    expect(result).toEqual({ id: 'me' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/me/tracks?limit=50&offset=0&q=a+b' });
    expect(seen[0]?.headers.authorization).toBe('Bearer old-token');
  });

  it('sends a body as JSON and returns undefined for a 204', async () => {
    serve({ status: 204 });
    const result = await fastHttp().api<undefined>({
      method: 'PUT',
      url: `${baseUrl}/v1/playlists/p1/items`,
      body: { uris: ['spotify:track:1'] },
      auth: tokenSource(),
    });
    expect(result).toBeUndefined();
    expect(seen[0]?.method).toBe('PUT');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ uris: ['spotify:track:1'] });
  });

  it('returns undefined for a 200 with an empty body', async () => {
    serve({ status: 200 });
    const result = await fastHttp().api<undefined>({
      method: 'DELETE',
      url: `${baseUrl}/v1/me/library`,
      auth: tokenSource(),
    });
    expect(result).toBeUndefined();
  });

  it.each([
    ['gzip', gzipSync],
    ['br', brotliCompressSync],
  ] as const)('asks for compressed answers and decodes a %s one', async (coding, compress) => {
    const page = { items: [{ name: 'Jóga' }], total: 1 };
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': coding });
      response.end(compress(JSON.stringify(page)));
      return Promise.resolve();
    };
    const result = await fastHttp().api({ url: `${baseUrl}/v1/me/tracks`, auth: tokenSource() });
    expect(result).toEqual(page);
    expect(seen[0]?.headers['accept-encoding']).toBe('gzip, br');
  });

  it('fails an answer in a content encoding it did not ask for', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' });
      response.end('{}');
      return Promise.resolve();
    };
    const error = await failure(
      fastHttp({ maxRetries: 0 }).api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }),
    );
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect((error as Error).message).toContain('unsupported content encoding: zstd');
  });

  it('throws SpotifyApiError with status, message and reason on a 404, without retrying', async () => {
    serve({ status: 404, body: { error: { status: 404, message: 'Not found.', reason: 'GONE' } } });
    const error = await failure(
      fastHttp().api({ url: `${baseUrl}/v1/tracks/nope`, auth: tokenSource() }),
    );
    expect(error).toBeInstanceOf(SpotifyApiError);
    expect(error).toBeInstanceOf(SpotifyError);
    expect(error).toMatchObject({ status: 404, message: 'Not found.', reason: 'GONE' });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('tolerates an error body that is not JSON', async () => {
    serve({ status: 400, body: '<html>Bad Request</html>' });
    const error = await failure(fastHttp().api({ url: `${baseUrl}/v1/x`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyApiError);
    expect(error).toMatchObject({ status: 400, message: 'HTTP 400: <html>Bad Request</html>' });
    expect(seen).toHaveLength(1);
  });
});

describe('SpotifyHttp rate limits (429)', () => {
  it('waits the fractional Retry-After, without jitter, then succeeds', async () => {
    serve(tooManyRequests('0.05'), ok({ done: true }));
    const http = fastHttp({ random: () => 0 });
    const result = await http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() });
    expect(result).toEqual({ done: true });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([50]);
  });

  it('honours Retry-After on a QUOTA_EXCEEDED answer', async () => {
    serve(tooManyRequests('2', 'QUOTA_EXCEEDED'), ok({ done: true }));
    const result = await fastHttp().api({ url: `${baseUrl}/v1/me`, auth: tokenSource() });
    expect(result).toEqual({ done: true });
    expect(sleeps).toEqual([2000]);
  });

  it('throws SpotifyRateLimitError at once on QUOTA_EXCEEDED without Retry-After', async () => {
    serve(tooManyRequests(undefined, 'QUOTA_EXCEEDED'), ok({}));
    const error = await failure(fastHttp().api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyRateLimitError);
    expect(error).toMatchObject({ reason: 'QUOTA_EXCEEDED', retryAfterSeconds: undefined });
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('backs off with jitter on a 429 without Retry-After', async () => {
    serve(tooManyRequests(), ok({ done: true }));
    const http = fastHttp({ random: () => 0.25, baseDelayMs: 400 });
    await http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() });
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([100]);
  });

  it('does not wait a Retry-After beyond maxRetryAfterSeconds, and fails fast until it passes', async () => {
    serve(tooManyRequests('3600'), ok({}));
    const http = fastHttp({ maxRetryAfterSeconds: 120 });
    const error = await failure(http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyRateLimitError);
    expect(error).toMatchObject({ retryAfterSeconds: 3600 });
    expect(sleeps).toEqual([]);

    // The limit is per app: another request of this instance does not reach Spotify meanwhile.
    clock += 60_000;
    const second = await failure(http.api({ url: `${baseUrl}/v1/other`, auth: tokenSource() }));
    expect(second).toBeInstanceOf(SpotifyRateLimitError);
    expect(second).toMatchObject({ retryAfterSeconds: 3540 });
    expect(seen).toHaveLength(1);
  });

  it('throws SpotifyRateLimitError when the retries run out on 429s', async () => {
    serve(tooManyRequests('1'));
    const error = await failure(
      fastHttp({ maxRetries: 2 }).api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }),
    );
    expect(error).toBeInstanceOf(SpotifyRateLimitError);
    expect(error).toMatchObject({ retryAfterSeconds: 1 });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([1000, 1000]);
  });

  // The timeout keeps a broken pause (no sleep ever started) from hanging for the default minute.
  it(
    'makes a concurrent request wait for the pause a 429 started',
    { timeout: 5_000 },
    async () => {
      handler = (request, response) => {
        const first = seen.indexOf(request) === 0;
        reply(response, first ? tooManyRequests('0.1') : ok({ path: request.path }));
        return Promise.resolve();
      };
      let markSleeping = (): void => undefined;
      const firstSleep = new Promise<void>((resolve) => (markSleeping = resolve));
      // Real clock and timers here: the point is when the server sees the second request.
      const http = new SpotifyHttp({
        sleep: (ms) => {
          markSleeping();
          return delay(ms);
        },
      });
      const a = http.api({ url: `${baseUrl}/v1/a`, auth: tokenSource() });
      await firstSleep; // request a got its 429 and waits
      const b = http.api({ url: `${baseUrl}/v1/b`, auth: tokenSource() });
      await Promise.all([a, b]);

      const limited = seen[0];
      const requestB = seen.find((request) => request.path === '/v1/b');
      expect(limited?.path).toBe('/v1/a');
      expect(seen).toHaveLength(3);
      expect((requestB?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(85);
    },
  );
});

describe('SpotifyHttp server and network failures', () => {
  it('retries 500, 500 then succeeds, backing off exponentially with jitter', async () => {
    serve(serverError(), serverError(), ok({ done: true }));
    const http = fastHttp({ random: () => 0.5, baseDelayMs: 250 });
    const result = await http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() });
    expect(result).toEqual({ done: true });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([125, 250]);
  });

  it('throws SpotifyUnavailableError with the attempt count when 5xx retries run out', async () => {
    serve(serverError(503));
    const http = fastHttp({ maxRetries: 3, random: () => 0.5, baseDelayMs: 100, maxDelayMs: 150 });
    const error = await failure(http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect(error).toMatchObject({ attempts: 4, lastStatus: 503 });
    expect((error as Error).cause).toMatchObject({ status: 503, message: 'Server error' });
    expect(seen).toHaveLength(4);
    expect(sleeps).toEqual([50, 75, 75]); // capped at maxDelayMs
  });

  it('retries a timed-out attempt, then throws SpotifyUnavailableError', async () => {
    serve({ ...ok({}), delayMs: 400 });
    const http = fastHttp({ timeoutMs: 40, maxRetries: 1 });
    const error = await failure(http.api({ url: `${baseUrl}/v1/slow`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect(error).toMatchObject({ attempts: 2, lastStatus: undefined });
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    expect(seen).toHaveLength(2);
  });

  it('retries after the connection is reset', async () => {
    serve(RESET, ok({ done: true }));
    const result = await fastHttp().api({ url: `${baseUrl}/v1/me`, auth: tokenSource() });
    expect(result).toEqual({ done: true });
    expect(seen).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('keeps the network error as the cause when resets exhaust the retries', async () => {
    serve(RESET);
    const http = fastHttp({ maxRetries: 1 });
    const error = await failure(http.api({ url: `${baseUrl}/v1/me`, auth: tokenSource() }));
    expect(error).toBeInstanceOf(SpotifyUnavailableError);
    expect((error as Error).cause).toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect((error as Error).message).toContain('other side closed');
    expect(seen).toHaveLength(2);
  });

  it('does not send again a request marked resend: false whose answer was lost, but waits out a 429', async () => {
    const create = () =>
      fastHttp().api({
        method: 'POST',
        url: `${baseUrl}/v1/me/playlists`,
        body: { name: 'Once' },
        auth: tokenSource(),
        resend: false,
      });
    for (const lost of [RESET, serverError(502)] as const) {
      serve(lost, ok({ id: 'second' }));
      seen = [];
      const error = await failure(create());
      expect(error).toBeInstanceOf(SpotifyUnavailableError);
      expect(error).toMatchObject({ attempts: 1 });
      expect(seen).toHaveLength(1);
    }
    serve(tooManyRequests('0.01'), ok({ id: 'made' }));
    seen = [];
    expect(await create()).toEqual({ id: 'made' });
    expect(seen).toHaveLength(2);
  });
});

describe('SpotifyHttp 401 and the token source', () => {
  it('refreshes once after a 401 and resends with the new token', async () => {
    handler = (request, response) => {
      const fresh = request.headers.authorization === 'Bearer new-token';
      reply(
        response,
        fresh
          ? ok({ done: true })
          : { status: 401, body: { error: { status: 401, message: 'expired' } } },
      );
      return Promise.resolve();
    };
    const auth = tokenSource();
    const result = await fastHttp().api({ url: `${baseUrl}/v1/me`, auth });
    expect(result).toEqual({ done: true });
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    expect(seen.map((request) => request.headers.authorization)).toEqual([
      'Bearer old-token',
      'Bearer new-token',
    ]);
  });

  it('throws SpotifyUnauthorizedError when the refreshed token gets a 401 too', async () => {
    serve({ status: 401, body: { error: { status: 401, message: 'Invalid access token' } } });
    const auth = tokenSource();
    const error = await failure(fastHttp().api({ url: `${baseUrl}/v1/me`, auth }));
    expect(error).toBeInstanceOf(SpotifyUnauthorizedError);
    expect(auth.refresh).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(2);
  });
});

describe('SpotifyHttp concurrency', () => {
  it('never has more than maxConcurrency requests in flight', async () => {
    handler = async (request, response) => {
      await delay(10);
      reply(response, ok({ path: request.path }));
    };
    const http = fastHttp({ maxConcurrency: 3 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http.api<{ path: string }>({ url: `${baseUrl}/v1/tracks/${i}`, auth: tokenSource() }),
      ),
    );
    expect(results.map((result) => result.path)).toEqual(
      Array.from({ length: 20 }, (_, i) => `/v1/tracks/${i}`),
    );
    expect(seen).toHaveLength(20);
    expect(maxInFlight).toBe(3);
  });
});

describe('SpotifyHttp.pages', () => {
  function servePages(pageCount: number, nextBase = baseUrl): void {
    handler = (request, response) => {
      const offset = Number(new URL(request.path, baseUrl).searchParams.get('offset'));
      const last = offset / 2 === pageCount - 1;
      const page: SpotifyPaging<number> = {
        href: `${baseUrl}${request.path}`,
        items: [offset, offset + 1],
        limit: 2,
        offset,
        next: last ? null : `${nextBase}/v1/me/tracks?offset=${offset + 2}&limit=2`,
        previous: null,
        total: pageCount * 2,
      };
      reply(response, ok(page));
      return Promise.resolve();
    };
  }

  it('follows next links across all pages, in order', async () => {
    servePages(3);
    const items: number[] = [];
    const http = fastHttp();
    for await (const page of http.pages<number>({
      url: `${baseUrl}/v1/me/tracks`,
      query: { offset: 0, limit: 2 },
      auth: tokenSource(),
    })) {
      items.push(...page.items);
    }
    expect(items).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen.map((request) => request.path)).toEqual([
      '/v1/me/tracks?offset=0&limit=2',
      '/v1/me/tracks?offset=2&limit=2',
      '/v1/me/tracks?offset=4&limit=2',
    ]);
  });

  it('fetches no further page once the consumer breaks', async () => {
    servePages(3);
    const http = fastHttp();
    for await (const page of http.pages<number>({
      url: `${baseUrl}/v1/me/tracks?offset=0&limit=2`,
      auth: tokenSource(),
    })) {
      expect(page.items).toEqual([0, 1]);
      break;
    }
    await delay(30); // a prefetch would have reached the server by now
    expect(seen).toHaveLength(1);
  });

  it('refuses to carry the token to a next link on another host', async () => {
    servePages(2, 'http://elsewhere.example');
    const http = fastHttp();
    const pages = http.pages<number>({
      url: `${baseUrl}/v1/me/tracks?offset=0&limit=2`,
      auth: tokenSource(),
    });
    const received: SpotifyPaging<number>[] = [];
    const error = await failure(
      (async () => {
        for await (const page of pages) received.push(page);
      })(),
    );
    expect(received).toHaveLength(1);
    expect(error).toBeInstanceOf(SpotifyError);
    expect((error as Error).message).toContain('elsewhere.example');
    expect(seen).toHaveLength(1);
  });
});

describe('SpotifyHttp.form', () => {
  const tokenForm = { grant_type: 'refresh_token', refresh_token: 'r t', client_id: 'app' };

  it('posts the form urlencoded, without a bearer token, and parses the answer', async () => {
    serve(ok({ access_token: 'a', token_type: 'Bearer', expires_in: 3600, scope: '' }));
    const result = await fastHttp().form<{ access_token: string }>({
      url: `${baseUrl}/api/token`,
      form: tokenForm,
    });
    expect(result.access_token).toBe('a');
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual(tokenForm);
  });

  it('maps an RFC 6749 error body to SpotifyOAuthError, without retrying', async () => {
    serve({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Refresh token revoked' },
    });
    const error = await failure(fastHttp().form({ url: `${baseUrl}/api/token`, form: tokenForm }));
    expect(error).toBeInstanceOf(SpotifyOAuthError);
    expect(error).toMatchObject({
      error: 'invalid_grant',
      description: 'Refresh token revoked',
      status: 400,
    });
    expect(seen).toHaveLength(1);
  });

  it('retries a 5xx from the accounts service', async () => {
    serve(serverError(502), ok({ access_token: 'a' }));
    const result = await fastHttp().form<{ access_token: string }>({
      url: `${baseUrl}/api/token`,
      form: tokenForm,
    });
    expect(result.access_token).toBe('a');
    expect(seen).toHaveLength(2);
  });
});
