import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { TRACKS_KEY, updateCachedTracks } from './tracks';

/** A tag of the user's, as GET /api/tags lists it. */
export interface Tag {
  id: number;
  name: string;
  /** #rrggbb, or null for the default look */
  color: string | null;
  trackCount: number;
}

/** A tag as a track carries it. */
export type TrackTag = Omit<Tag, 'trackCount'>;

export const TAGS_KEY = ['tags'] as const;

/** POST /api/tracks/tags takes at most this many tracks at once. */
const TRACKS_PER_REQUEST = 1000;

/** The user's tags by name. */
export function useTags() {
  return useQuery({
    queryKey: TAGS_KEY,
    queryFn: async () => (await api<{ items: Tag[] }>('GET', '/tags')).items,
  });
}

/** Creates a tag; names are unique whatever their case (the API answers 409 tag_exists). */
export function useCreateTag() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tag: { name: string; color?: string | null }) =>
      api<TrackTag>('POST', '/tags', tag),
    onSuccess: () => client.invalidateQueries({ queryKey: TAGS_KEY }),
  });
}

export interface TagTracksChange {
  trackIds: number[];
  add?: TrackTag[];
  remove?: TrackTag[];
}

/**
 * Adds and removes tags on many tracks (in requests of up to 1000). The
 * loaded lists are patched in place rather than refetched page by page, and
 * marked stale so they reload when next opened.
 */
export function useTagTracks() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ trackIds, add = [], remove = [] }: TagTracksChange) => {
      for (let start = 0; start < trackIds.length; start += TRACKS_PER_REQUEST) {
        await api<{ added: number; removed: number }>('POST', '/tracks/tags', {
          trackIds: trackIds.slice(start, start + TRACKS_PER_REQUEST),
          add: add.map((tag) => tag.id),
          remove: remove.map((tag) => tag.id),
        });
      }
    },
    onSuccess: async (_result, { trackIds, add = [], remove = [] }) => {
      const removed = new Set(remove.map((tag) => tag.id));
      updateCachedTracks(client, new Set(trackIds), (track) => {
        const kept = track.tags.filter(
          (tag) => !removed.has(tag.id) && !add.some((a) => a.id === tag.id),
        );
        const tags = [...kept, ...add].sort((a, b) =>
          a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }),
        );
        return { ...track, tags };
      });
      await Promise.all([
        client.invalidateQueries({ queryKey: TRACKS_KEY, refetchType: 'none' }),
        client.invalidateQueries({ queryKey: TAGS_KEY }),
      ]);
    },
  });
}
