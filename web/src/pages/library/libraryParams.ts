import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  TRACK_SORTS,
  type SortOrder,
  type TrackFilters,
  type TrackListParams,
  type TrackSort,
} from '../../api/tracks';

/** Tracks per request: the API's most, so 50k tracks take 500 requests, not 1000. */
const PAGE_SIZE = 100;

export interface LibraryView extends TrackFilters {
  sort: TrackSort;
  order: SortOrder;
}

/** The order a column starts in: names A→Z, numbers and dates highest or newest first. */
export function defaultOrder(sort: TrackSort): SortOrder {
  return sort === 'name' || sort === 'artist' || sort === 'album' ? 'asc' : 'desc';
}

const isSort = (value: string | null): value is TrackSort =>
  (TRACK_SORTS as readonly string[]).includes(value ?? '');

function flag(value: string | null): boolean | undefined {
  return value === 'true' ? true : value === 'false' ? false : undefined;
}

function positiveId(value: string | null): number | undefined {
  const id = Number(value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/** The view the URL describes; anything unreadable in it falls back to the default. */
export function viewFromSearch(search: URLSearchParams): LibraryView {
  const sortParam = search.get('sort');
  const sort = isSort(sortParam) ? sortParam : 'added';
  const orderParam = search.get('order');
  const order = orderParam === 'asc' || orderParam === 'desc' ? orderParam : defaultOrder(sort);
  const tag = (search.get('tag') ?? '')
    .split(',')
    .map((id) => positiveId(id))
    .filter((id): id is number => id !== undefined);
  const view: LibraryView = { sort, order };
  if (tag.length) view.tag = tag;
  const genre = search.get('genre')?.trim();
  if (genre) view.genre = genre;
  const artist = positiveId(search.get('artist'));
  if (artist) view.artist = artist;
  const album = positiveId(search.get('album'));
  if (album) view.album = album;
  for (const key of ['rated', 'liked', 'played'] as const) {
    const value = flag(search.get(key));
    if (value !== undefined) view[key] = value;
  }
  const q = search.get('q')?.trim();
  if (q) view.q = q;
  return view;
}

/** The URL query of a view, leaving out the defaults so links stay short. */
export function searchFromView(view: LibraryView): URLSearchParams {
  const search = new URLSearchParams();
  if (view.sort !== 'added') search.set('sort', view.sort);
  if (view.order !== defaultOrder(view.sort)) search.set('order', view.order);
  if (view.q) search.set('q', view.q);
  if (view.tag?.length) search.set('tag', view.tag.join(','));
  if (view.genre) search.set('genre', view.genre);
  if (view.artist) search.set('artist', String(view.artist));
  if (view.album) search.set('album', String(view.album));
  for (const key of ['liked', 'rated', 'played'] as const) {
    if (view[key] !== undefined) search.set(key, String(view[key]));
  }
  return search;
}

const FILTER_KEYS = [
  'q',
  'tag',
  'genre',
  'artist',
  'album',
  'liked',
  'rated',
  'played',
] as const satisfies readonly (keyof TrackFilters)[];

export function hasFilters(view: LibraryView): boolean {
  return FILTER_KEYS.some((key) => view[key] !== undefined);
}

/** The view without any filter, its order kept. */
export function withoutFilters(view: LibraryView): LibraryView {
  return { sort: view.sort, order: view.order };
}

export function listParams(view: LibraryView): TrackListParams {
  return { ...view, limit: PAGE_SIZE };
}

/**
 * The library's sort and filters, kept in the URL query so a reload or a
 * shared link shows the same list. Changes replace the history entry: each
 * keystroke of a search should not become a step of the back button.
 */
export function useLibraryView() {
  const [search, setSearch] = useSearchParams();
  const view = useMemo(() => viewFromSearch(search), [search]);
  const change = useCallback(
    (update: (view: LibraryView) => LibraryView) =>
      setSearch((current) => searchFromView(update(viewFromSearch(current))), { replace: true }),
    [setSearch],
  );
  return { view, change };
}
