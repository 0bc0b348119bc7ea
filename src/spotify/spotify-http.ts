/**
 * The one place Spotlib talks HTTP to Spotify: the Web API (bearer token, JSON
 * bodies) and the accounts service (form POSTs for token exchange and refresh).
 *
 * Retry rules (429, 5xx and network failures share `maxRetries` per call):
 * - 429 with Retry-After (seconds, may be fractional): wait exactly that long,
 *   no jitter. The limit is per app, so every request of this instance waits
 *   too (a shared "not before" time). A Retry-After above
 *   `maxRetryAfterSeconds` is not waited: SpotifyRateLimitError tells the job
 *   when to come back, and until then this instance fails fast.
 * - 429 without Retry-After: back off like a 5xx, except `QUOTA_EXCEEDED`,
 *   which throws SpotifyRateLimitError at once (a short wait will not help).
 * - 5xx, network errors, timeouts (`timeoutMs` per attempt, body included):
 *   exponential backoff with full jitter,
 *   `random() * min(maxDelayMs, baseDelayMs * 2 ** retryIndex)`; then
 *   SpotifyUnavailableError carrying the last cause.
 * - 401 on a Web API call: refresh the token once and resend; a second 401
 *   is SpotifyUnauthorizedError.
 * - Any other 4xx: SpotifyApiError (SpotifyOAuthError from the accounts
 *   service) at once.
 *
 * Every method is retried, POST included: a POST whose answer was lost may
 * already have been applied and is sent again. Callers make their POSTs safe to
 * repeat or accept a duplicate (the playlist push sets the items with PUT,
 * which is safe to repeat) — or mark the request `resend: false` (creating a
 * playlist): its first 5xx, network error or timeout then throws
 * SpotifyUnavailableError, and the caller finds out whether it was applied.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip } from 'node:zlib';
import pLimit, { type LimitFunction } from 'p-limit';
import { request as httpRequest } from 'undici';
import { z } from 'zod';
import type { SpotifyPaging } from './spotify-api.types.js';
import {
  SpotifyApiError,
  SpotifyError,
  SpotifyOAuthError,
  SpotifyRateLimitError,
  SpotifyUnauthorizedError,
  SpotifyUnavailableError,
} from './spotify-errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Query parameters; undefined values are left out. */
export type QueryParams = Record<string, string | number | undefined>;

export interface SpotifyHttpOptions {
  /** Requests in flight at once across this instance (default 4). */
  maxConcurrency?: number;
  /** Per attempt, reading the body included (default 15 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 6). */
  maxRetries?: number;
  /** Exponential backoff base (default 250). */
  baseDelayMs?: number;
  /** Backoff cap (default 30 000). */
  maxDelayMs?: number;
  /** A longer Retry-After is not waited: SpotifyRateLimitError instead (default 120). */
  maxRetryAfterSeconds?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Clock in epoch ms, for the shared rate-limit pause (default Date.now). */
  now?: () => number;
}

/** Where a bearer token comes from; refresh() is called once after a 401 and the request retried once with the new token. */
export interface AccessTokenSource {
  token(): Promise<string>;
  /** Should share one refresh among concurrent callers: several requests may see the same 401. */
  refresh(): Promise<string>;
}

export interface SpotifyApiRequest {
  method?: HttpMethod;
  /** Absolute: a `next` link or a URL built by the caller. */
  url: string;
  query?: QueryParams;
  /** Sent as JSON. */
  body?: unknown;
  auth: AccessTokenSource;
  /** false: not sent again after an answer that may hide its effect (5xx, network, timeout); 429s still are. */
  resend?: boolean;
}

export interface SpotifyFormRequest {
  url: string;
  form: Record<string, string>;
}

export interface SpotifyPagesRequest {
  url: string;
  query?: QueryParams;
  auth: AccessTokenSource;
}

/** What one attempt got back, the body read whole inside the concurrency slot and the timeout. */
interface HttpAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** What one attempt sends. */
interface HttpRequestInit {
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
}

export class SpotifyHttp {
  private readonly limit: LimitFunction;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRetryAfterSeconds: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  /** No request of this instance is sent before `until` (epoch ms): a 429's Retry-After. */
  private pause: { until: number; reason?: string } = { until: 0 };

  constructor(options: SpotifyHttpOptions = {}) {
    this.limit = pLimit(options.maxConcurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRetries = options.maxRetries ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 250;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxRetryAfterSeconds = options.maxRetryAfterSeconds ?? 120;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** JSON request to the Web API with a bearer token; a 204 or empty body gives undefined. */
  async api<T>(request: SpotifyApiRequest): Promise<T> {
    const url = withQuery(request.url, request.query);
    const sendWith = (token: string) =>
      this.send(url, apiRequestInit(request, token), request.resend ?? true);
    let answer = await sendWith(await request.auth.token());
    if (answer.status === 401) {
      answer = await sendWith(await request.auth.refresh());
      if (answer.status === 401) throw new SpotifyUnauthorizedError();
    }
    if (!isSuccess(answer)) throw apiError(answer);
    return parseBody<T>(answer, url);
  }

  /** Form POST to the accounts service (token exchange or refresh), without a bearer token. */
  async form<T>(request: SpotifyFormRequest): Promise<T> {
    const url = withQuery(request.url);
    const answer = await this.send(url, {
      method: 'POST',
      headers: { ...ACCEPT_JSON, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(request.form).toString(),
    });
    if (!isSuccess(answer)) throw oauthError(answer);
    return parseBody<T>(answer, url);
  }

  /**
   * Follows the `next` links of offset paging, one request at a time. The next
   * page is fetched only when the consumer asks for it, so breaking out of the
   * loop stops the fetching.
   */
  async *pages<T>(first: SpotifyPagesRequest): AsyncGenerator<SpotifyPaging<T>, void, undefined> {
    const origin = new URL(first.url).origin;
    let next: string | null = withQuery(first.url, first.query);
    while (next !== null) {
      const page: SpotifyPaging<T> = await this.api<SpotifyPaging<T>>({
        url: next,
        auth: first.auth,
      });
      yield page;
      next = page.next;
      // The bearer token goes along: never follow a link away from the host we started on.
      if (next !== null && new URL(next).origin !== origin) {
        throw new SpotifyError(`Refusing to follow a paging link to another host: ${next}`);
      }
    }
  }

  /** One logical request: retries 429, 5xx, network errors and timeouts; returns any other answer. */
  private async send(url: string, init: HttpRequestInit, resend = true): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.attempt(url, init);
      const mayRetry = attempt <= this.maxRetries;
      if (outcome instanceof Error || outcome.status >= 500) {
        if (!mayRetry || !resend) throw unavailable(outcome, attempt);
        await this.sleep(this.backoffMs(attempt));
      } else if (outcome.status === 429) {
        await this.waitAfterRateLimit(outcome, attempt, mayRetry);
      } else {
        return outcome;
      }
    }
  }

  /**
   * One HTTP exchange inside a concurrency slot; a failure is returned, not
   * thrown. undici's `request` rather than `fetch`: a sync reads thousands of
   * pages, and fetch's web streams and objects cost about a third more CPU.
   * Unlike fetch, it does not follow redirects (the Web API answers without
   * them, and a bearer token must not follow one) or ask for compression by
   * itself: every request asks for gzip or brotli, and the answer is decoded here.
   */
  private attempt(url: string, init: HttpRequestInit): Promise<HttpAnswer | Error> {
    return this.limit(async () => {
      // Inside the slot: a request queued behind the limit must not slip out during a pause.
      await this.waitForPause();
      try {
        const response = await httpRequest(url, {
          ...init,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const body = Buffer.from(await response.body.arrayBuffer());
        return {
          status: response.statusCode,
          retryAfter: firstValue(response.headers['retry-after']),
          body: (await decoded(body, firstValue(response.headers['content-encoding']))).toString(),
        };
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
  }

  /** Holds a request while a 429 pause is on; a pause too long to wait out fails it instead. */
  private async waitForPause(): Promise<void> {
    const waitMs = this.pause.until - this.now();
    if (waitMs <= 0) return;
    if (waitMs > this.maxRetryAfterSeconds * 1000) {
      throw new SpotifyRateLimitError(Math.ceil(waitMs / 1000), this.pause.reason);
    }
    await this.sleep(waitMs);
  }

  /** Decides what a 429 means: wait (the shared pause, or backoff) or give up. */
  private async waitAfterRateLimit(
    answer: HttpAnswer,
    attempt: number,
    mayRetry: boolean,
  ): Promise<void> {
    const reason = readApiErrorBody(answer.body)?.error.reason;
    const retryAfterSeconds = parseRetryAfter(answer.retryAfter);
    if (retryAfterSeconds === undefined) {
      if (reason === 'QUOTA_EXCEEDED' || !mayRetry) {
        throw new SpotifyRateLimitError(undefined, reason);
      }
      await this.sleep(this.backoffMs(attempt));
      return;
    }
    // The limit is per app: every request of this instance waits, not only this one.
    this.pauseUntil(this.now() + Math.round(retryAfterSeconds * 1000), reason);
    if (retryAfterSeconds > this.maxRetryAfterSeconds || !mayRetry) {
      throw new SpotifyRateLimitError(retryAfterSeconds, reason);
    }
    // The next attempt waits for the pause before it is sent.
  }

  private pauseUntil(until: number, reason: string | undefined): void {
    // Concurrent 429s: keep the latest end, never shorten a pause.
    if (until > this.pause.until) this.pause = { until, reason };
  }

  /** Full jitter: spreads the retries of many clients over the whole window. */
  private backoffMs(attempt: number): number {
    const windowMs = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return this.random() * windowMs;
  }
}

function withQuery(url: string, query: QueryParams = {}): string {
  const built = new URL(url);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) built.searchParams.set(name, String(value));
  }
  return built.toString();
}

function apiRequestInit(request: SpotifyApiRequest, token: string): HttpRequestInit {
  const method = request.method ?? 'GET';
  const headers = { ...ACCEPT_JSON, authorization: `Bearer ${token}` };
  if (request.body === undefined) return { method, headers };
  // The client would reject this as if the network failed, and it would be retried.
  if (method === 'GET') throw new SpotifyError('A GET request cannot have a body');
  return {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(request.body),
  };
}

function isSuccess(answer: HttpAnswer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

function parseBody<T>(answer: HttpAnswer, url: string): T {
  if (answer.status === 204 || answer.body.trim() === '') return undefined as T;
  const parsed = parseJson(answer.body);
  if (parsed === undefined) {
    throw new SpotifyError(`Spotify answered ${url} with a body that is not JSON`);
  }
  return parsed as T;
}

/** The JSON value, or undefined when the text is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const apiErrorBodySchema = z.object({
  error: z.object({ message: z.string(), reason: z.string().optional() }),
});

const oauthErrorBodySchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

function readApiErrorBody(body: string): z.infer<typeof apiErrorBodySchema> | undefined {
  return apiErrorBodySchema.safeParse(parseJson(body)).data;
}

/** The start of a body that is not the expected error JSON (an HTML error page, say). */
function excerpt(answer: HttpAnswer): string {
  const text = answer.body.trim().slice(0, 200);
  return text === '' ? `HTTP ${answer.status}` : `HTTP ${answer.status}: ${text}`;
}

function apiError(answer: HttpAnswer): SpotifyApiError {
  const body = readApiErrorBody(answer.body);
  return new SpotifyApiError(
    answer.status,
    body?.error.message ?? excerpt(answer),
    body?.error.reason,
  );
}

function oauthError(answer: HttpAnswer): SpotifyOAuthError {
  const body = oauthErrorBodySchema.safeParse(parseJson(answer.body)).data;
  if (!body) return new SpotifyOAuthError('unexpected_response', answer.status, excerpt(answer));
  return new SpotifyOAuthError(body.error, answer.status, body.error_description);
}

function unavailable(outcome: HttpAnswer | Error, attempts: number): SpotifyUnavailableError {
  if (outcome instanceof Error)
    return new SpotifyUnavailableError(attempts, undefined, { cause: outcome });
  return new SpotifyUnavailableError(attempts, outcome.status, { cause: apiError(outcome) });
}

/** What every request accepts: JSON, compressed (a library page is ~100 kB as text). */
const ACCEPT_JSON = { accept: 'application/json', 'accept-encoding': 'gzip, br' };

const decoders = new Map<string, (body: Buffer) => Promise<Buffer>>([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['br', promisify(brotliDecompress)],
]);

/** The body as sent before its content coding; a coding we did not ask for is a failure. */
async function decoded(body: Buffer, coding: string | null): Promise<Buffer> {
  const name = coding?.trim().toLowerCase() ?? 'identity';
  if (name === 'identity' || name === '') return body;
  const decode = decoders.get(name);
  if (!decode) throw new Error(`Spotify answered with an unsupported content encoding: ${coding}`);
  return decode(body);
}

/** A header's value; a repeated header counts by its first. */
function firstValue(header: string | string[] | undefined): string | null {
  return (Array.isArray(header) ? header[0] : header) ?? null;
}

/** Retry-After in seconds (Spotify sends seconds, sometimes fractional); anything else counts as absent. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
