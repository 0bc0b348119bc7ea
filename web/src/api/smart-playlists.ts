import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, query } from './client';
import type { Page, TrackItem } from './tracks';

// The server's rule model is pure data with no imports: the editor reads the same field
// registry and operator table that validation and the SQL compiler read, so they cannot disagree.
export {
  FIELDS,
  MAX_DEPTH,
  OPERATORS_OF,
  PERIOD_MAX,
  PERIOD_UNITS,
  RULE_FIELDS,
  SELECT_BY,
} from '../../../src/smart-playlists/rules';
export type {
  Condition,
  FieldType,
  Group,
  Match,
  Period,
  PeriodUnit,
  PlaylistRef,
  RuleField,
  RuleNode,
  RuleOperator,
  RuleValue,
  Scalar,
  SelectBy,
  SmartLimit,
} from '../../../src/smart-playlists/rules';
import type { Match, RuleNode, SmartLimit } from '../../../src/smart-playlists/rules';

/** What POST and PUT take, and preview without its name. */
export interface SmartDefinition {
  name: string;
  description?: string | null;
  match: Match;
  rules: RuleNode[];
  limit?: SmartLimit | null;
}

export type RuleTree = Pick<SmartDefinition, 'match' | 'rules' | 'limit'>;

/** A smart playlist as GET /api/smart-playlists lists it. */
export interface SmartPlaylistSummary {
  id: number;
  name: string;
  description: string | null;
  match: Match;
  limit: SmartLimit | null;
  /** ISO timestamp of its last refresh; null before the first */
  evaluatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** tracks in its last refresh */
  trackCount: number;
}

/** GET /api/smart-playlists/:id: the definition as stored. */
export interface SmartPlaylist extends SmartPlaylistSummary {
  rules: RuleNode[];
}

/** POST /api/smart-playlists/preview: the first page of an unsaved tree, and its size. */
export interface SmartPreview extends Page<TrackItem> {
  count: number;
  durationMs: number;
}

/** Where a definition is wrong: `rules[1].rules[0].value`, `name`, `limit.count`. */
export interface RuleIssue {
  path: string;
  message: string;
}

export interface NspImportResult {
  playlist: SmartPlaylist;
  /** the parts of the file Spotlib has no equivalent for, left out */
  problems: RuleIssue[];
}

export const SMART_KEY = ['smart-playlists'] as const;

export function useSmartPlaylists() {
  return useQuery({
    queryKey: SMART_KEY,
    queryFn: async () =>
      (await api<{ items: SmartPlaylistSummary[] }>('GET', '/smart-playlists')).items,
  });
}

export function useSmartPlaylist(id: number | null) {
  return useQuery({
    queryKey: [...SMART_KEY, id],
    queryFn: () => api<SmartPlaylist>('GET', `/smart-playlists/${id}`),
    enabled: id !== null,
  });
}

/** Creates (no id) or replaces (an id) a definition; the server refreshes it at once. */
export function useSaveSmartPlaylist(id: number | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (definition: SmartDefinition) =>
      id === null
        ? api<SmartPlaylist>('POST', '/smart-playlists', definition)
        : api<SmartPlaylist>('PUT', `/smart-playlists/${id}`, definition),
    onSuccess: (saved) => {
      client.setQueryData([...SMART_KEY, saved.id], saved);
      // other smart playlists reading this one were refreshed too
      return client.invalidateQueries({ queryKey: SMART_KEY, exact: true });
    },
  });
}

/** Materialises a saved playlist now (what push and other playlists' IN_PLAYLIST read). */
export function useRefreshSmartPlaylist(id: number | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => {
      if (id === null) throw new Error('Save the playlist before refreshing it');
      return api<{ id: number; trackCount: number; evaluatedAt: string }>(
        'POST',
        `/smart-playlists/${id}/refresh`,
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: SMART_KEY }),
  });
}

/** Refused with 409 in_use while another smart playlist's IN_PLAYLIST rule reads it. */
export function useDeleteSmartPlaylist() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<void>('DELETE', `/smart-playlists/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: SMART_KEY }),
  });
}

/** A Navidrome .nsp file's text; `name` is used when the file has none. */
export function useImportNsp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: { nsp: string; name?: string }) =>
      api<NspImportResult>('POST', '/smart-playlists/import-nsp', file),
    onSuccess: () => client.invalidateQueries({ queryKey: SMART_KEY }),
  });
}

export const PREVIEW_PAGE_SIZE = 25;

/** The first page and count of an unsaved tree; null skips the request (an unfinished rule). */
export function useSmartPreview(tree: RuleTree | null) {
  return useQuery({
    queryKey: [...SMART_KEY, 'preview', tree],
    queryFn: () =>
      api<SmartPreview>(
        'POST',
        `/smart-playlists/preview${query({ limit: PREVIEW_PAGE_SIZE })}`,
        tree,
      ),
    enabled: tree !== null,
    // the last answer stays on screen while the next one loads: no flicker as you type
    placeholderData: keepPreviousData,
  });
}

/** The issues of a 400 that says where (validation_failed, invalid_rules, invalid_nsp). */
export function issuesOf(error: unknown): RuleIssue[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const details = error.body.details as { issues?: unknown; problems?: unknown } | undefined;
  const list = details?.issues ?? details?.problems;
  return Array.isArray(list) ? (list as RuleIssue[]) : [];
}

/** Genre names of the user's artists, for the GENRE picker. */
export function useGenreNames() {
  return useQuery({
    queryKey: [...SMART_KEY, 'genre-names'],
    queryFn: async () =>
      (
        await api<{ items: { name: string }[] }>(
          'GET',
          `/genres${query({ sort: 'name', limit: 500 })}`,
        )
      ).items.map((genre) => genre.name),
  });
}

/** The user's manual playlists, for IN_PLAYLIST. */
export function useManualPlaylistNames() {
  return useQuery({
    queryKey: [...SMART_KEY, 'manual-playlists'],
    queryFn: async () =>
      (await api<{ items: { id: number; name: string }[] }>('GET', '/playlists')).items,
  });
}
