import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SpotifySnapshot } from '../spotify-api.types.js';
import { ApiError, pagingParams, parseBody, queryOf, requireScope } from './http.js';
import { MAX_ITEMS_PER_REQUEST, type Playlist } from './playlists.js';
import type { EmulatorState } from './state.js';
import { isSpotifyId } from './world.js';

/**
 * The user's playlists: list and create (/me/playlists), read, change
 * details, and read and change items (/playlists/{id}/items, the 2026
 * endpoints; items carry the track in `item`).
 */

const details = {
  description: z.string().optional(),
  public: z.boolean().optional(),
  collaborative: z.boolean().optional(),
};
const createBody = z.object({ name: z.string().min(1), ...details });
const changeBody = z.object({ name: z.string().min(1).optional(), ...details });
const addBody = z.object({
  uris: z.array(z.string()).optional(),
  position: z.number().int().optional(),
});
const updateBody = z.object({
  uris: z.array(z.string()).optional(),
  range_start: z.number().int().optional(),
  insert_before: z.number().int().optional(),
  range_length: z.number().int().min(1).optional(),
  snapshot_id: z.string().optional(),
});
const removeBody = z.object({
  items: z.array(z.object({ uri: z.string() })),
  snapshot_id: z.string().optional(),
});

type PlaylistRequest = FastifyRequest<{ Params: { id: string } }>;

export function registerPlaylistRoutes(v1: FastifyInstance, state: EmulatorState): void {
  const { objects, playlistStore } = state;

  /** The playlist in the path; changing it needs the modify scope of its visibility. */
  const playlistOf = (request: PlaylistRequest, change: boolean): Playlist => {
    const { id } = request.params;
    if (!isSpotifyId(id)) throw new ApiError(400, 'Invalid base62 id');
    const playlist = playlistStore.get(id);
    if (!playlist) throw new ApiError(404, 'Resource not found');
    if (change) {
      requireScope(request, playlist.public ? 'playlist-modify-public' : 'playlist-modify-private');
    }
    return playlist;
  };

  /** Track URIs from the query string (comma-separated, it wins) or the body; at most 100. */
  const trackIndexes = (query: URLSearchParams, bodyUris: string[] | undefined): number[] => {
    const uris = query.get('uris')?.split(',') ?? bodyUris;
    if (!uris) throw new ApiError(400, 'Missing uris');
    if (uris.length > MAX_ITEMS_PER_REQUEST) {
      throw new ApiError(
        400,
        `You can add a maximum of ${MAX_ITEMS_PER_REQUEST} tracks per request.`,
      );
    }
    return uris.map((uri) => trackIndexOfUri(state, uri));
  };

  v1.get('/me/playlists', (request) => {
    const { limit, offset } = pagingParams(queryOf(request), { maxLimit: 50, maxOffset: 100_000 });
    const playlists = playlistStore.all();
    return objects.page('/me/playlists', playlists.length, offset, limit, (i) =>
      objects.simplifiedPlaylist(playlists[i]!, state.user),
    );
  });

  v1.post('/me/playlists', (request, reply) => {
    const body = parseBody(createBody, request.body);
    requireScope(
      request,
      body.public === false ? 'playlist-modify-private' : 'playlist-modify-public',
    );
    const playlist = playlistStore.create(body);
    return reply.code(201).send(objects.playlist(playlist, state.user));
  });

  v1.get<{ Params: { id: string } }>('/playlists/:id', (request) =>
    objects.playlist(playlistOf(request, false), state.user),
  );

  v1.put<{ Params: { id: string } }>('/playlists/:id', (request, reply) => {
    const playlist = playlistOf(request, true);
    playlistStore.changeDetails(playlist, parseBody(changeBody, request.body));
    return reply.code(200).send();
  });

  v1.get<{ Params: { id: string } }>('/playlists/:id/items', (request) => {
    requireScope(request, 'playlist-read-private');
    const playlist = playlistOf(request, false);
    const { limit, offset } = pagingParams(queryOf(request), { maxLimit: 50 });
    return objects.playlistItems(playlist, state.user, offset, limit);
  });

  v1.post<{ Params: { id: string } }>('/playlists/:id/items', (request, reply) => {
    const playlist = playlistOf(request, true);
    const query = queryOf(request);
    const body = parseBody(addBody, request.body);
    const tracks = trackIndexes(query, body.uris);
    const givenPosition = query.get('position');
    const position = givenPosition === null ? body.position : Number(givenPosition);
    if (
      position !== undefined &&
      !(Number.isInteger(position) && position >= 0 && position <= playlist.entries.length)
    ) {
      throw new ApiError(400, 'Index out of bounds');
    }
    playlistStore.add(playlist, tracks, position);
    return reply.code(201).send({ snapshot_id: playlist.snapshotId } satisfies SpotifySnapshot);
  });

  // Replaces the items (`uris`), or moves a range of them (`range_start`, `insert_before`).
  v1.put<{ Params: { id: string } }>('/playlists/:id/items', (request): SpotifySnapshot => {
    const playlist = playlistOf(request, true);
    const body = parseBody(updateBody, request.body);
    if (body.range_start !== undefined || body.insert_before !== undefined) {
      const length = body.range_length ?? 1;
      const start = body.range_start ?? -1;
      const before = body.insert_before ?? -1;
      const size = playlist.entries.length;
      if (start < 0 || start + length > size || before < 0 || before > size) {
        throw new ApiError(400, 'Index out of bounds');
      }
      playlistStore.reorder(playlist, start, length, before);
    } else {
      playlistStore.replace(playlist, trackIndexes(queryOf(request), body.uris));
    }
    return { snapshot_id: playlist.snapshotId };
  });

  v1.delete<{ Params: { id: string } }>('/playlists/:id/items', (request): SpotifySnapshot => {
    const playlist = playlistOf(request, true);
    const body = parseBody(removeBody, request.body);
    if (body.items.length > MAX_ITEMS_PER_REQUEST) {
      throw new ApiError(
        400,
        `You can remove a maximum of ${MAX_ITEMS_PER_REQUEST} tracks per request.`,
      );
    }
    playlistStore.remove(
      playlist,
      body.items.map((item) => trackIndexOfUri(state, item.uri)),
    );
    return { snapshot_id: playlist.snapshotId };
  });
}

/** A `spotify:track:<id>` of the catalog; anything else answers 400, as Spotify does. */
function trackIndexOfUri(state: EmulatorState, uri: string): number {
  const id = /^spotify:track:([0-9A-Za-z]{22})$/.exec(uri.trim())?.[1];
  if (!id) throw new ApiError(400, `Invalid track uri: ${uri}`);
  const index = state.catalog.trackIndex(id);
  if (index === undefined) throw new ApiError(400, 'Payload contains a non-existing ID');
  return index;
}
