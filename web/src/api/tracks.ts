import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { api, query } from './client';

/** One track of the library as every list shows it (GET /api/tracks items). */
export interface TrackItem {
  id: number;
  name: string;
  durationMs: number | null;
  album: { id: number; name: string; imageUrl: string | null } | null;
  artists: { id: number; name: string }[];
  tags: { id: number; name: string; color: string | null }[];
  genres: string[];
  /** stars, 0..5 in steps of 0.5; null when unrated */
  rating: number | null;
  playCount: number;
  /** ISO timestamp */
  lastPlayedAt: string | null;
  /** ISO timestamp */
  addedAt: string;
  liked: boolean;
}

/** Every paginated list of the API answers with this shape. */
export interface Page<T> {
  items: T[];
  /** pass back as `cursor` for the next page; null on the last page */
  nextCursor: string | null;
}

/** Every order the library list offers (the server's TRACK_SORTS). */
export const TRACK_SORTS = [
  'added',
  'plays',
  'last_played',
  'rating',
  'name',
  'artist',
  'album',
  'duration',
] as const;
export type TrackSort = (typeof TRACK_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** What GET /api/tracks can filter on; every one optional, all of them combined with AND. */
export interface TrackFilters {
  /** tracks carrying every one of these tag ids (at most 20) */
  tag?: number[];
  /** tracks with an artist of this genre (lower case) */
  genre?: string;
  artist?: number;
  album?: number;
  rated?: boolean;
  liked?: boolean;
  played?: boolean;
  /** words searched in track, artist and album names; case and accents ignored */
  q?: string;
}

export interface TrackListParams extends TrackFilters {
  /** default added */
  sort?: TrackSort;
  /** default desc */
  order?: SortOrder;
  /** 1..100, default 50 */
  limit?: number;
}

/** Every cached track list starts with this key: invalidate it after a change to tracks. */
export const TRACKS_KEY = ['tracks'] as const;

/** One page of the library. */
export function fetchTracks(
  params: TrackListParams & { cursor?: string | null },
): Promise<Page<TrackItem>> {
  const { tag, q, ...rest } = params;
  return api<Page<TrackItem>>(
    'GET',
    `/tracks${query({
      ...rest,
      tag: tag?.length ? tag.join(',') : undefined,
      q: q?.trim() || undefined,
    })}`,
  );
}

export type TrackPages = InfiniteData<Page<TrackItem>, string | null>;

/** The library page by page over its cursor; the previous list stays shown while a new one loads. */
export function useTrackPages(params: TrackListParams) {
  return useInfiniteQuery({
    queryKey: [...TRACKS_KEY, params],
    queryFn: ({ pageParam }) => fetchTracks({ ...params, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });
}

/** Changes these tracks in every cached list of tracks that holds them. */
export function updateCachedTracks(
  client: QueryClient,
  ids: ReadonlySet<number>,
  change: (track: TrackItem) => TrackItem,
): void {
  client.setQueriesData<TrackPages>({ queryKey: TRACKS_KEY }, (data) =>
    // other lists under the key (not pages of tracks) are left alone
    data && 'pages' in data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((track) => (ids.has(track.id) ? change(track) : track)),
          })),
        }
      : data,
  );
}

/** A track as some cached list holds it. */
function cachedTrack(client: QueryClient, id: number): TrackItem | undefined {
  for (const [, data] of client.getQueriesData<TrackPages>({ queryKey: TRACKS_KEY })) {
    if (!data || !('pages' in data)) continue;
    for (const page of data.pages) {
      const track = page.items.find((item) => item.id === id);
      if (track) return track;
    }
  }
  return undefined;
}

export interface RatingChange {
  id: number;
  /** 0..5 in halves; null clears */
  rating: number | null;
  /** for the error message */
  name?: string;
}

/**
 * Rates a track, shown at once. The requests run one after another so the
 * last rating given is the one the server keeps; a refused one puts the
 * previous rating back unless a later one has replaced it since.
 */
export function useRateTrack() {
  const client = useQueryClient();
  return useMutation({
    scope: { id: 'track-rating' },
    mutationFn: ({ id, rating }: RatingChange) =>
      api<void>('PUT', `/tracks/${id}/rating`, { rating }),
    onMutate: async ({ id, rating }) => {
      await client.cancelQueries({ queryKey: TRACKS_KEY });
      const previous = cachedTrack(client, id)?.rating ?? null;
      updateCachedTracks(client, new Set([id]), (track) => ({ ...track, rating }));
      return { previous };
    },
    onError: (_error, { id, rating }, context) => {
      if (!context) return;
      updateCachedTracks(client, new Set([id]), (track) =>
        track.rating === rating ? { ...track, rating: context.previous } : track,
      );
    },
    // lists filtered or sorted by rating may no longer hold the track where they did
    onSettled: () => client.invalidateQueries({ queryKey: TRACKS_KEY, refetchType: 'none' }),
  });
}

/** A genre of the user's artists with its summed counts (GET /api/genres). */
export interface LibraryGenre {
  name: string;
  artistCount: number;
  trackCount: number;
  playCount: number;
  msPlayed: number;
}

/** The genres of the library by name, for the genre filter and pickers (a few hundred at most). */
export function useLibraryGenres() {
  return useQuery({
    queryKey: ['genres', 'by-name'],
    queryFn: async () =>
      (await api<{ items: LibraryGenre[] }>('GET', `/genres${query({ sort: 'name', limit: 500 })}`))
        .items,
    staleTime: 60_000,
  });
}
