import { useInfiniteQuery } from '@tanstack/react-query';
import { api, query } from './client';

export type PlaySource =
  'spotify_export' | 'spotify_account_export' | 'spotify_recent' | 'listenbrainz' | 'generator';

export interface Play {
  /** when the play ended (ISO 8601, UTC) */
  playedAt: string;
  msPlayed: number;
  skipped: boolean;
  source: PlaySource;
  track: {
    /** the user's track id, as in /api/tracks and /api/stats/tracks/:id */
    id: number;
    name: string;
    artist: { id: number; name: string };
    album: { id: number; name: string } | null;
  };
}

interface PlayPage {
  items: Play[];
  nextCursor: string | null;
}

export const HISTORY_KEY = ['history'] as const;

/** The play timeline, newest first, a page at a time over the API's cursor. */
export function usePlayHistory(pageSize = 100) {
  return useInfiniteQuery({
    queryKey: [...HISTORY_KEY, pageSize],
    queryFn: ({ pageParam }) =>
      api<PlayPage>('GET', `/history${query({ limit: pageSize, cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
