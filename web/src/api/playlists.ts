import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import { api, query } from './client';
import type { Page, TrackItem } from './tracks';

/** A manual playlist as GET /api/playlists lists it. */
export interface Playlist {
  id: number;
  name: string;
  description: string | null;
  trackCount: number;
}

/** One place in a playlist: a library track, and the entry id that moves or removes it. */
export type PlaylistEntry = TrackItem & { entryId: number };

/** The answer of a push to Spotify (POST /api/playlists/:id/push). */
export interface PushResult {
  spotifyPlaylistId: string;
  snapshotId: string;
  /** true when this push created the Spotify playlist */
  created: boolean;
  /** tracks now in the Spotify playlist */
  tracks: number;
  /** tracks left out: they have no Spotify id (imported by name only) */
  withoutSpotifyId: number;
  /** the first of those (at most 50) */
  missing: { id: number; name: string }[];
}

export const PLAYLISTS_KEY = ['playlists'] as const;
const entriesKey = (id: number) => [...PLAYLISTS_KEY, id, 'tracks'] as const;

/** Entries per page: a screenful or two, so the first page shows fast. */
const ENTRIES_PAGE = 100;

export type EntryPages = InfiniteData<Page<PlaylistEntry>, string | null>;

export function usePlaylists() {
  return useQuery({
    queryKey: PLAYLISTS_KEY,
    queryFn: async () => (await api<{ items: Playlist[] }>('GET', '/playlists')).items,
  });
}

export function useCreatePlaylist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<Playlist>('POST', '/playlists', { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: PLAYLISTS_KEY, exact: true }),
  });
}

export function useRenamePlaylist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: number; name: string }) =>
      api<Playlist>('PATCH', `/playlists/${id}`, { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: PLAYLISTS_KEY, exact: true }),
  });
}

export function useDeletePlaylist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<void>('DELETE', `/playlists/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: PLAYLISTS_KEY, exact: true }),
  });
}

/** A playlist's entries in order, page by page. */
export function usePlaylistEntries(id: number) {
  return useInfiniteQuery({
    queryKey: entriesKey(id),
    queryFn: ({ pageParam }) =>
      api<Page<PlaylistEntry>>(
        'GET',
        `/playlists/${id}/tracks${query({ limit: ENTRIES_PAGE, cursor: pageParam })}`,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

/** Adds library tracks at the end of the playlist. */
export function useAddToPlaylist(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (trackIds: number[]) =>
      api<{ added: number }>('POST', `/playlists/${id}/tracks`, { trackIds }),
    onSuccess: () => client.invalidateQueries({ queryKey: PLAYLISTS_KEY }),
  });
}

export interface Move {
  entryId: number;
  /** the entry it goes after; null for the start */
  after: number | null;
}

/**
 * Moves one entry. The list changes at once (the server rewrites only that
 * entry, so the loaded pages stay right without a refetch); a refusal puts
 * the list back and reloads it.
 */
export function useMoveEntry(id: number) {
  const client = useQueryClient();
  return useMutation({
    // one move after another: each one's anchor is the order the one before made
    scope: { id: `playlist-order-${id}` },
    mutationFn: ({ entryId, after }: Move) =>
      api<void>('PATCH', `/playlists/${id}/tracks/${entryId}`, { after }),
    onMutate: async (move) => {
      await client.cancelQueries({ queryKey: entriesKey(id) });
      const before = client.getQueryData<EntryPages>(entriesKey(id));
      if (before) client.setQueryData<EntryPages>(entriesKey(id), applyMove(before, move));
      return { before };
    },
    onError: (_error, _move, context) => {
      if (context?.before) client.setQueryData(entriesKey(id), context.before);
      void client.invalidateQueries({ queryKey: entriesKey(id) });
    },
  });
}

/** The loaded pages with one entry moved; page sizes stay as they were so cursors still fit. */
export function applyMove(data: EntryPages, { entryId, after }: Move): EntryPages {
  const all = data.pages.flatMap((page) => page.items);
  const moving = all.find((entry) => entry.entryId === entryId);
  if (!moving) return data;
  const rest = all.filter((entry) => entry.entryId !== entryId);
  const at = after === null ? 0 : rest.findIndex((entry) => entry.entryId === after) + 1;
  // an anchor that is not loaded: leave the order to the next refetch
  if (at === 0 && after !== null) return data;
  rest.splice(at, 0, moving);
  let start = 0;
  return {
    ...data,
    pages: data.pages.map((page) => {
      const items = rest.slice(start, start + page.items.length);
      start += page.items.length;
      return { ...page, items };
    }),
  };
}

export function useRemoveEntry(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (entryId: number) => api<void>('DELETE', `/playlists/${id}/tracks/${entryId}`),
    onSuccess: () => client.invalidateQueries({ queryKey: PLAYLISTS_KEY }),
  });
}

/** Creates or updates the playlist on Spotify; `force` overwrites changes made there. */
export function usePushPlaylist(id: number) {
  return useMutation({
    mutationFn: (force: boolean) =>
      api<PushResult>('POST', `/playlists/${id}/push`, force ? { force } : {}),
  });
}
