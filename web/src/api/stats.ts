import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, query } from './client';

export type TopKind = 'artists' | 'albums' | 'tracks' | 'genres' | 'tags';
export type RankBy = 'plays' | 'time';
export type Step = 'day' | 'week' | 'month';

/** A period as the API takes it: days (YYYY-MM-DD) of the user's time zone, `to` included; open when absent. */
export interface PeriodBounds {
  from?: string;
  to?: string;
}

export interface TopItem {
  id: number;
  name: string;
  plays: number;
  msPlayed: number;
  /** tracks and albums: whose they are */
  artist?: { id: number; name: string };
  /** tags: their colour */
  color?: string | null;
}

/** Plays and time of one day, week (from its Monday) or month (from its first day). */
export interface PeriodTotal {
  /** the period's first day, YYYY-MM-DD */
  period: string;
  plays: number;
  msPlayed: number;
}

export interface HeatmapCell {
  /** 1 Monday .. 7 Sunday */
  weekday: number;
  /** 0..23 of the user's time zone */
  hour: number;
  plays: number;
  msPlayed: number;
}

interface Figures {
  id: number;
  name: string;
  plays: number;
  msPlayed: number;
  /** by plays among all of the user's artists (or tracks), 1 the most played */
  rank: number;
  firstPlayedAt: string | null;
  lastPlayedAt: string | null;
  /** only the months with listening */
  months: PeriodTotal[];
}

export interface ArtistStats extends Figures {
  trackCount: number;
}

export interface TrackStats extends Figures {
  artist: { id: number; name: string };
  skips: number;
}

interface Items<T> {
  items: T[];
}

/** Every statistics query starts with this key, so a new import can invalidate them all. */
export const STATS_KEY = ['stats'] as const;

/** The top entities of a period. The previous list stays on screen while another period loads. */
export function useTop(kind: TopKind, bounds: PeriodBounds, by: RankBy, limit: number) {
  return useQuery({
    queryKey: [...STATS_KEY, 'top', kind, bounds, by, limit],
    queryFn: () =>
      api<Items<TopItem>>('GET', `/stats/top-${kind}${query({ ...bounds, by, limit })}`),
    select: (data) => data.items,
    placeholderData: keepPreviousData,
  });
}

/** Plays and time per step of a period, the silent steps between included. */
export function useListeningTime(bounds: PeriodBounds, step: Step, enabled = true) {
  return useQuery({
    queryKey: [...STATS_KEY, 'listening-time', bounds, step],
    queryFn: () =>
      api<Items<PeriodTotal>>('GET', `/stats/listening-time${query({ ...bounds, step })}`),
    select: (data) => data.items,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Plays and time per weekday and hour of a period; cells without listening are absent. */
export function useHeatmap(bounds: PeriodBounds) {
  return useQuery({
    queryKey: [...STATS_KEY, 'heatmap', bounds],
    queryFn: () => api<Items<HeatmapCell>>('GET', `/stats/heatmap${query({ ...bounds })}`),
    select: (data) => data.items,
    placeholderData: keepPreviousData,
  });
}

export function useArtistStats(id: number | null) {
  return useQuery({
    queryKey: [...STATS_KEY, 'artist', id],
    queryFn: () => api<ArtistStats>('GET', `/stats/artists/${id}`),
    enabled: id !== null,
  });
}

export function useTrackStats(id: number | null) {
  return useQuery({
    queryKey: [...STATS_KEY, 'track', id],
    queryFn: () => api<TrackStats>('GET', `/stats/tracks/${id}`),
    enabled: id !== null,
  });
}

interface Profile {
  id: number;
  username: string;
  displayName: string | null;
  settings: { timeZone: string; playThresholdMs: number };
}

/**
 * The user's time zone (GET /api/me): the statistics' days and hours are its,
 * so dates on screen are shown in it too rather than in the browser's.
 */
export function useTimeZone() {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => api<Profile>('GET', '/me'),
    select: (profile) => profile.settings.timeZone,
    staleTime: 60_000,
  });
}
