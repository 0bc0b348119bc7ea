/**
 * What can go wrong talking to Spotify, as classes a caller can tell apart:
 * a job reschedules on SpotifyRateLimitError, asks the user to reconnect on
 * SpotifyOAuthError('invalid_grant') or SpotifyUnauthorizedError, and retries
 * later on SpotifyUnavailableError. All extend SpotifyError.
 */

export class SpotifyError extends Error {
  override name = 'SpotifyError';
}

/** A 4xx answer from the Web API that retrying will not fix (400, 403, 404, ...). */
export class SpotifyApiError extends SpotifyError {
  override name = 'SpotifyApiError';

  constructor(
    readonly status: number,
    /** Spotify's message from the error body, or a description of the answer when it had none. */
    message: string,
    /** Spotify's `error.reason`, when the body had one. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * Spotify keeps answering 429, asked for a longer wait than we are willing to
 * hold a request for, or said the quota is used up. The caller should try
 * again after `retryAfterSeconds` (undefined when Spotify did not say).
 */
export class SpotifyRateLimitError extends SpotifyError {
  override name = 'SpotifyRateLimitError';

  constructor(
    readonly retryAfterSeconds: number | undefined,
    /** e.g. 'QUOTA_EXCEEDED' */
    readonly reason?: string,
  ) {
    const after = retryAfterSeconds === undefined ? '' : ` (retry after ${retryAfterSeconds} s)`;
    super(`Spotify rate limit${reason ? ` ${reason}` : ''}${after}`);
  }
}

/** 5xx answers, network errors or timeouts until the retries ran out; `cause` is the last one. */
export class SpotifyUnavailableError extends SpotifyError {
  override name = 'SpotifyUnavailableError';

  constructor(
    readonly attempts: number,
    /** The status of the last answer, when the last attempt got one. */
    readonly lastStatus: number | undefined,
    options?: ErrorOptions,
  ) {
    const last = lastStatus === undefined ? describeCause(options?.cause) : `HTTP ${lastStatus}`;
    super(`Spotify unavailable after ${attempts} attempts (last: ${last})`, options);
  }
}

/** The accounts service refused a token exchange or refresh; `error` is the RFC 6749 code. */
export class SpotifyOAuthError extends SpotifyError {
  override name = 'SpotifyOAuthError';

  constructor(
    /** e.g. 'invalid_grant' (the refresh token is revoked or expired: reconnect) */
    readonly error: string,
    readonly status: number,
    readonly description?: string,
  ) {
    super(`Spotify OAuth error ${error}${description ? `: ${description}` : ''}`);
  }
}

/** The Web API still answered 401 after the access token was refreshed once. */
export class SpotifyUnauthorizedError extends SpotifyError {
  override name = 'SpotifyUnauthorizedError';
  readonly status = 401;

  constructor(message = 'Spotify refused the access token even after a refresh') {
    super(message);
  }
}

/** A wrapped network error (fetch's 'fetch failed') keeps the socket error in its cause. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return 'unknown';
  return cause.cause instanceof Error ? `${cause.message}: ${cause.cause.message}` : cause.message;
}
