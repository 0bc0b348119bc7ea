import { ApiError } from '../common/errors/http-error.filter.js';
import {
  SpotifyApiError,
  SpotifyError,
  SpotifyOAuthError,
  SpotifyRateLimitError,
  SpotifyUnauthorizedError,
  SpotifyUnavailableError,
} from './spotify-errors.js';

/**
 * What a failure of Spotify means for our caller: the HTTP client has
 * already retried what can be retried, so these say "try later" (502/503)
 * or name what Spotify refused. Anything else passes through.
 */
export function asApiError(error: unknown): unknown {
  if (!(error instanceof SpotifyError)) return error;
  if (error instanceof SpotifyRateLimitError) {
    const quota = error.reason === 'QUOTA_EXCEEDED' ? " (the app's quota is used up)" : '';
    const wait =
      error.retryAfterSeconds === undefined
        ? 'asks to wait'
        : `asks to wait ${Math.ceil(error.retryAfterSeconds)} s`;
    return new ApiError(
      503,
      'spotify_rate_limited',
      `Spotify ${wait}${quota}; the sync resumes where it stopped`,
      { retryAfterSeconds: error.retryAfterSeconds ?? null },
    );
  }
  if (error instanceof SpotifyUnavailableError) {
    return new ApiError(
      502,
      'spotify_unavailable',
      `Spotify did not answer: ${error.message}; the sync resumes where it stopped`,
    );
  }
  if (error instanceof SpotifyUnauthorizedError) {
    return new ApiError(
      502,
      'spotify_unauthorized',
      'Spotify refused the access token even after a refresh; reconnect if it persists',
    );
  }
  if (error instanceof SpotifyOAuthError) {
    return new ApiError(
      502,
      'spotify_auth_error',
      `Spotify's accounts service refused: ${error.error}`,
    );
  }
  if (error instanceof SpotifyApiError) {
    return new ApiError(502, 'spotify_error', `Spotify answered ${error.status}: ${error.message}`);
  }
  return new ApiError(502, 'spotify_error', error.message);
}
