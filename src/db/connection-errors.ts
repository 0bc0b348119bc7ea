/**
 * Whether an error means "the database cannot be reached right now" (it is
 * down, restarting, recovering from a crash, or out of connections) rather
 * than "this statement is wrong". The first is worth a retry and answers 503;
 * the second is a bug or bad input.
 *
 * Only the error itself is inspected, never its `cause`: other clients
 * (Spotify's) wrap their own network failures, and those must not pass for
 * a database outage.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string') {
    if (isUnavailableSqlState(code)) return true;
    // A socket's errors name the call that failed: a file's ENOENT (syscall 'open') is not an outage.
    if (SOCKET_ERRORS.has(code) && SOCKET_CALLS.has(syscall)) return true;
  }
  return PG_CONNECTION_MESSAGES.has(error.message);
}

/**
 * SQLSTATEs the server sends when it cannot serve a connection:
 * class 08 (connection exception), 57P01 admin_shutdown (a fast stop or
 * pg_terminate_backend), 57P02 crash_shutdown (another backend crashed),
 * 57P03 cannot_connect_now (starting up, shutting down, in recovery) and
 * 53300 too_many_connections.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || UNAVAILABLE_SQLSTATES.has(code);
}

const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** The server refused, dropped or never answered the TCP or Unix-socket connection. */
const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // a Unix socket path with no server behind it
  'ENOENT',
]);

const SOCKET_CALLS = new Set<unknown>(['connect', 'read', 'write', 'getaddrinfo']);

/** node-postgres's own errors for a lost or unobtainable connection (pg 8, pg-pool 3). */
const PG_CONNECTION_MESSAGES = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);
