import path from 'node:path';
import { z } from 'zod';

const envSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Months of play history kept in the hot table; older months live in the archive. */
  HISTORY_HOT_MONTHS: z.coerce.number().int().min(1).max(120).default(6),
  /** pg-boss schedules and workers; off for one-shot processes. */
  JOBS_ENABLED: z.stringbool().default(true),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Rows an import commits at a time: more is faster and takes more memory (default per engine). */
  IMPORT_CHUNK_ROWS: z.coerce.number().int().min(100).max(500_000).optional(),
  /** Saved tracks a full Spotify sync reads before writing them in artist order. */
  SYNC_WINDOW_ITEMS: z.coerce.number().int().min(100).max(100_000).default(10_000),
  /** 32 bytes (base64 or 64 hex digits) that encrypt Spotify tokens; else a key file in DATA_DIR. */
  ENCRYPTION_KEY: z.string().optional(),
  SPOTIFY_CLIENT_ID: z
    .string()
    .regex(/^[0-9A-Za-z]+$/, 'must be a Spotify client id')
    .optional(),
  SPOTIFY_REDIRECT_URI: z.url().optional(),
  SPOTIFY_API_URL: z.url().default('https://api.spotify.com/v1'),
  SPOTIFY_ACCOUNTS_URL: z.url().default('https://accounts.spotify.com'),
  /** When connected users' recent plays are fetched (cron, UTC). */
  SPOTIFY_POLL_CRON: z.string().min(1).default('*/30 * * * *'),
  /** local: one user, no sign-in (loopback only); multi: accounts with passwords and sessions. */
  AUTH_MODE: z.enum(['local', 'multi']).default('local'),
  /** Behind a reverse proxy: the proxies' addresses/CIDRs (comma-separated), or true. */
  TRUST_PROXY: z.string().optional(),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Requests per minute per user (per address without credentials); 0 turns limiting off. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  /** A request body must arrive within this time (uploads: REQUEST_TIMEOUT_SECONDS). */
  BODY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** The longest a whole request may take to arrive, uploads included. */
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
});

export type Engine = 'pglite' | 'postgres';

export interface AppConfig {
  host: string;
  port: number;
  engine: Engine;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  historyHotMonths: number;
  jobsEnabled: boolean;
  databasePoolSize: number;
  importChunkRows: number | undefined;
  syncWindowItems: number;
  encryptionKey: string | undefined;
  spotify: SpotifyConfig;
  auth: AuthConfig;
  http: HttpConfig;
}

export type AuthMode = 'local' | 'multi';

export interface AuthConfig {
  mode: AuthMode;
  sessionDays: number;
}

export interface HttpConfig {
  /** Fastify's trustProxy: which X-Forwarded-* headers to believe */
  trustProxy: boolean | string[];
  /** 0: off */
  rateLimitPerMinute: number;
  bodyTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface SpotifyConfig {
  /** unset: Spotify is not configured (imports and scrobblers still work) */
  clientId: string | undefined;
  redirectUri: string;
  /** where "sign in with Spotify" returns: the redirect URI's sibling .../signin/callback */
  signInRedirectUri: string;
  apiUrl: string;
  accountsUrl: string;
  pollCron: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; a bad value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    engine: e.DATABASE_URL ? 'postgres' : 'pglite',
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    logLevel: e.LOG_LEVEL,
    historyHotMonths: e.HISTORY_HOT_MONTHS,
    jobsEnabled: e.JOBS_ENABLED,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    importChunkRows: e.IMPORT_CHUNK_ROWS,
    syncWindowItems: e.SYNC_WINDOW_ITEMS,
    encryptionKey: e.ENCRYPTION_KEY,
    spotify: {
      clientId: e.SPOTIFY_CLIENT_ID,
      redirectUri: redirectUri(e.SPOTIFY_REDIRECT_URI, e.PORT),
      signInRedirectUri: redirectUri(e.SPOTIFY_REDIRECT_URI, e.PORT).replace(
        /\/callback$/,
        '/signin/callback',
      ),
      apiUrl: withoutTrailingSlash(e.SPOTIFY_API_URL),
      accountsUrl: withoutTrailingSlash(e.SPOTIFY_ACCOUNTS_URL),
      pollCron: e.SPOTIFY_POLL_CRON,
    },
    auth: { mode: authMode(e.AUTH_MODE, e.HOST), sessionDays: e.SESSION_DAYS },
    http: {
      trustProxy: trustProxy(e.TRUST_PROXY, e.AUTH_MODE),
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      bodyTimeoutMs: e.BODY_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
    },
  };
}

/**
 * Local mode lets anyone who reaches the server act as its one user, so it
 * may only listen where nobody else can reach it.
 */
function authMode(mode: AuthMode, host: string): AuthMode {
  if (mode === 'local' && !isLoopback(host)) {
    throw new ConfigError(
      `Invalid configuration: HOST=${host} is reachable from other machines, and AUTH_MODE=local has no sign-in. ` +
        'Set AUTH_MODE=multi (and create accounts with `spotlib user create`), or listen on 127.0.0.1.',
    );
  }
  return mode;
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * Which proxies' X-Forwarded-* headers to believe: `true` (any: only when
 * nothing but the proxy can reach Spotlib) or the proxies' addresses/CIDRs.
 * A hop count is refused: fastify would trust no one with it, and "the last
 * hop" believes whatever a directly connecting client claims.
 */
function trustProxy(given: string | undefined, mode: AuthMode): boolean | string[] {
  if (given === undefined || given === 'false') return false;
  if (mode === 'local') {
    throw new ConfigError(
      'Invalid configuration: TRUST_PROXY with AUTH_MODE=local would publish the local user through the proxy; set AUTH_MODE=multi',
    );
  }
  if (given === 'true') return true;
  if (/^\d+$/.test(given)) {
    throw new ConfigError(
      "Invalid configuration: TRUST_PROXY: give the proxy's address or CIDR (e.g. 127.0.0.1 or 10.0.0.0/8), or true, not a hop count",
    );
  }
  return given.split(',').map((address) => address.trim());
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Spotify accepts a plain-HTTP redirect only to a loopback address (not
 * "localhost"); anything else must be HTTPS (a remote install behind a proxy).
 */
function redirectUri(given: string | undefined, port: number): string {
  if (!given) return `http://127.0.0.1:${port}/api/auth/spotify/callback`;
  const url = new URL(given);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
    return given;
  throw new ConfigError(
    'Invalid configuration: SPOTIFY_REDIRECT_URI: must be https://, or http://127.0.0.1:PORT/... (Spotify refuses http://localhost)',
  );
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, '');

/** An empty variable (`PORT=`) means "not set", as shells and .env files write it. */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]),
  );
}
