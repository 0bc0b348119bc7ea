import type { FastifyInstance } from 'fastify';
import type {
  SpotifyCursorPaging,
  SpotifyPlayHistory,
  SpotifySearchResult,
} from '../spotify-api.types.js';
import {
  ApiError,
  authenticate,
  integerParam,
  pagingParams,
  queryOf,
  requireScope,
} from './http.js';
import type { Play } from './library.js';
import { registerPlaylistRoutes } from './playlist-routes.js';
import { isoSeconds } from './objects.js';
import { parseTrackQuery, TrackSearch } from './search.js';
import type { EmulatorState } from './state.js';
import { isSpotifyId } from './world.js';

/**
 * The Web API under /v1: the user, the library, recently played, the
 * catalog, search (here) and playlists (playlist-routes.ts). Every request
 * needs a Bearer access token; endpoints check their scope.
 */
export function registerApiRoutes(v1: FastifyInstance, state: EmulatorState): void {
  const { objects, library, catalog } = state;
  const search = new TrackSearch(catalog);

  v1.addHook('onRequest', (request, _reply, done) => {
    try {
      authenticate(state.tokens, request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  v1.get('/me', () => state.user);

  v1.get('/me/tracks', (request, reply) => {
    requireScope(request, 'user-library-read');
    const { limit, offset } = pagingParams(queryOf(request), { maxLimit: 50 });
    // a SavedTrackObject, joined from the rendered track
    const page = objects.pageJson('/me/tracks', library.savedCount, offset, limit, (position) => {
      const saved = library.savedAt(position);
      return [
        `{"added_at":"${isoSeconds(saved.addedAtMs)}","track":`,
        objects.trackJson(saved.trackIndex),
        '}',
      ];
    });
    return reply.type('application/json; charset=utf-8').send(page);
  });

  v1.get('/me/player/recently-played', (request) => {
    requireScope(request, 'user-read-recently-played');
    return recentlyPlayed(state, queryOf(request));
  });

  v1.get<{ Params: { id: string } }>('/tracks/:id', (request) => {
    const index = catalogIndex(request.params.id, (id) => catalog.trackIndex(id));
    return objects.track(index);
  });

  v1.get<{ Params: { id: string } }>('/albums/:id', (request) => {
    const index = catalogIndex(request.params.id, (id) => catalog.albumIndex(id));
    return objects.album(index);
  });

  v1.get<{ Params: { id: string } }>('/albums/:id/tracks', (request) => {
    const index = catalogIndex(request.params.id, (id) => catalog.albumIndex(id));
    const { limit, offset } = pagingParams(queryOf(request), { maxLimit: 50 });
    return objects.albumTracks(index, offset, limit);
  });

  v1.get<{ Params: { id: string } }>('/artists/:id', (request) => {
    const index = catalogIndex(request.params.id, (id) => catalog.artistIndex(id));
    return objects.artist(index);
  });

  // Development-mode apps lost the batch lookups in 2026.
  for (const path of ['/tracks', '/albums', '/artists']) {
    v1.get(path, () => {
      throw new ApiError(403, 'Forbidden');
    });
  }

  v1.get('/search', (request): SpotifySearchResult => {
    const query = queryOf(request);
    const q = query.get('q');
    if (!q) throw new ApiError(400, 'No search query');
    const types = query.get('type')?.split(',');
    if (!types) throw new ApiError(400, 'Missing parameter type');
    if (!types.includes('track')) throw new ApiError(400, 'Only type=track is emulated');
    // The 2026 limits: 1..10 results a page, 5 by default, offsets up to 1000.
    const { limit, offset } = pagingParams(query, {
      maxLimit: 10,
      defaultLimit: 5,
      maxOffset: 1000,
    });
    const matches = search.find(parseTrackQuery(q));
    const tracks = objects.page('/search', matches.length, offset, limit, (i) =>
      objects.track(matches[i]!),
    );
    // The page links carry the query too.
    const withQuery = (url: string | null) =>
      url && url.replace('?', `?q=${encodeURIComponent(q)}&type=track&`);
    return {
      tracks: {
        ...tracks,
        href: withQuery(tracks.href)!,
        next: withQuery(tracks.next),
        previous: withQuery(tracks.previous),
      },
    };
  });

  registerPlaylistRoutes(v1, state);
}

/** A catalog id from the path: 400 when it is not a Spotify id, 404 when nothing has it. */
function catalogIndex(id: string, find: (id: string) => number | undefined): number {
  if (!isSpotifyId(id)) throw new ApiError(400, 'Invalid base62 id');
  const index = find(id);
  if (index === undefined) throw new ApiError(404, 'Resource not found');
  return index;
}

/**
 * The play feed with Spotify's cursors: `before` pages back in time (the
 * default, from the newest play), `after` returns the plays closest after
 * the cursor. Items are newest first either way.
 */
function recentlyPlayed(
  state: EmulatorState,
  query: URLSearchParams,
): SpotifyCursorPaging<SpotifyPlayHistory> {
  const limit = integerParam(query, 'limit', { min: 1, max: 50, default: 20 });
  const bound = { min: 0, max: Number.MAX_SAFE_INTEGER, default: -1 };
  const after = integerParam(query, 'after', bound);
  const before = integerParam(query, 'before', bound);
  if (after >= 0 && before >= 0) {
    throw new ApiError(400, 'Only one of after and before may be specified');
  }
  const feed = state.library.plays;
  let page: readonly Play[];
  let more: boolean;
  if (after >= 0) {
    const newer = feed.filter((play) => play.playedAtMs > after);
    page = newer.slice(Math.max(0, newer.length - limit));
    more = newer.length > limit;
  } else {
    const older = before >= 0 ? feed.filter((play) => play.playedAtMs < before) : feed;
    page = older.slice(0, limit);
    more = older.length > limit;
  }
  const url = (params: string) => `${state.objects.api}/me/player/recently-played?${params}`;
  const newest = page[0];
  const oldest = page.at(-1);
  const cursors =
    newest && oldest
      ? { after: String(newest.playedAtMs), before: String(oldest.playedAtMs) }
      : null;
  const cursorParam = after >= 0 ? `after=${after}&` : before >= 0 ? `before=${before}&` : '';
  return {
    href: url(`${cursorParam}limit=${limit}`),
    items: page.map((play) => ({
      track: state.objects.track(play.trackIndex),
      played_at: new Date(play.playedAtMs).toISOString(),
      context: state.objects.albumContext(play.trackIndex),
    })),
    limit,
    next:
      more && cursors
        ? url(
            after >= 0
              ? `after=${cursors.after}&limit=${limit}`
              : `before=${cursors.before}&limit=${limit}`,
          )
        : null,
    cursors,
  };
}
