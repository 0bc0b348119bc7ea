import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';

/** GET /api/auth/spotify: whether the user's Spotify account is linked and usable. */
export interface SpotifyConnection {
  connected: boolean;
  status: 'not_connected' | 'connected' | 'needs_reconnect';
  spotifyUserId: string | null;
  displayName: string | null;
  scopes: string[];
  lastError: string | null;
}

export type SyncKind = 'library' | 'recently_played' | 'playlists' | 'artists' | 'resolution';
export type JobStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One step of a sync and how far it got. */
export interface SyncStep {
  kind: SyncKind;
  status: JobStatus;
  done: number;
  total: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
}

/** What the last whole sync did. */
export interface SyncSummary {
  mode: 'full' | 'incremental';
  savedTracks: number;
  newTracks: number;
  unliked: number;
  plays: number;
  artists: number;
  resolved: number;
  seconds: number;
  finishedAt: string;
}

/** GET /api/sync: the connection and each step's progress. */
export interface SyncStatus {
  connection: SpotifyConnection;
  lastSync: SyncSummary | null;
  items: SyncStep[];
}

export const SYNC_KEY = ['sync'] as const;

const POLL_MS = 2_000;

export const syncRunning = (status: SyncStatus | undefined) =>
  !!status?.items.some((step) => step.status === 'running' || step.status === 'pending');

/**
 * The connection and the sync's progress. While a sync runs (or was just
 * started and has not claimed its first step yet) it is asked again every 2 s.
 */
export function useSyncStatus(watch: boolean) {
  return useQuery({
    queryKey: SYNC_KEY,
    queryFn: () => api<SyncStatus>('GET', '/sync'),
    refetchInterval: (q) => (watch || syncRunning(q.state.data) ? POLL_MS : false),
  });
}

export function useStartSync() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ started: boolean }>('POST', '/sync', {}),
    onSuccess: () => client.invalidateQueries({ queryKey: SYNC_KEY }),
  });
}

/** Asks for Spotify's authorize page, then goes there; Spotify sends the user back afterwards. */
export function useConnectSpotify() {
  return useMutation({
    mutationFn: async () => {
      const { url } = await api<{ url: string }>(
        'GET',
        '/auth/spotify/login?redirect=false',
        undefined,
        {
          // Spotify's redirect back carries the owner's session, never the demo's token
          asOwner: true,
        },
      );
      window.location.assign(url);
    },
  });
}

export function useDisconnectSpotify() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>('DELETE', '/auth/spotify'),
    onSuccess: () => client.invalidateQueries({ queryKey: SYNC_KEY }),
  });
}
