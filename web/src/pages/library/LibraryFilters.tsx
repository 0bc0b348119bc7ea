import { useCallback } from 'react';
import { useTags } from '../../api/tags';
import { TRACK_SORTS, useLibraryGenres, type TrackItem, type TrackSort } from '../../api/tracks';
import { SORT_LABELS } from './columns';
import { defaultOrder, hasFilters, withoutFilters, type LibraryView } from './libraryParams';
import { SearchBox } from './SearchBox';

interface LibraryFiltersProps {
  view: LibraryView;
  change: (update: (view: LibraryView) => LibraryView) => void;
  /** the loaded tracks, to name an artist or album the URL filters on */
  tracks: TrackItem[];
}

type Flag = 'liked' | 'rated' | 'played';

const FLAG_CHOICES: Record<Flag, { label: string; yes: string; no: string; any: string }> = {
  liked: { label: 'Liked', any: 'Any', yes: 'Liked', no: 'Not liked' },
  rated: { label: 'Rating', any: 'Any', yes: 'Rated', no: 'Unrated' },
  played: { label: 'Plays', any: 'Any', yes: 'Played', no: 'Never played' },
};

function FlagFilter({
  flag,
  value,
  onChange,
}: {
  flag: Flag;
  value: boolean | undefined;
  onChange: (value: boolean | undefined) => void;
}) {
  const choice = FLAG_CHOICES[flag];
  return (
    <label className="filter">
      <span>{choice.label}</span>
      <select
        value={value === undefined ? '' : String(value)}
        onChange={(event) =>
          onChange(event.target.value === '' ? undefined : event.target.value === 'true')
        }
      >
        <option value="">{choice.any}</option>
        <option value="true">{choice.yes}</option>
        <option value="false">{choice.no}</option>
      </select>
    </label>
  );
}

/** The name of the artist or album a link filtered on, from the tracks it shows. */
function filteredName(
  view: LibraryView,
  tracks: TrackItem[],
): { kind: 'artist' | 'album'; name: string }[] {
  const found: { kind: 'artist' | 'album'; name: string }[] = [];
  if (view.artist) {
    const artist = tracks.flatMap((t) => t.artists).find((a) => a.id === view.artist);
    found.push({ kind: 'artist', name: artist?.name ?? `#${view.artist}` });
  }
  if (view.album) {
    const album = tracks.find((t) => t.album?.id === view.album)?.album;
    found.push({ kind: 'album', name: album?.name ?? `#${view.album}` });
  }
  return found;
}

/** Search, filters and (on narrow screens, where the headers are hidden) the sort. */
export function LibraryFilters({ view, change, tracks }: LibraryFiltersProps) {
  const tags = useTags();
  const genres = useLibraryGenres();
  const set = useCallback(
    <K extends keyof LibraryView>(key: K, value: LibraryView[K] | undefined) =>
      change((current) => {
        const next = { ...current };
        if (value === undefined) delete next[key];
        else next[key] = value;
        return next;
      }),
    [change],
  );
  const onSearch = useCallback((text: string) => set('q', text || undefined), [set]);

  return (
    <div className="library-filters">
      <SearchBox value={view.q ?? ''} onSearch={onSearch} />
      <label className="filter">
        <span>Tag</span>
        <select
          value={view.tag?.[0] ?? ''}
          onChange={(event) =>
            set('tag', event.target.value ? [Number(event.target.value)] : undefined)
          }
        >
          <option value="">Any</option>
          {tags.data?.map((tag) => (
            <option key={tag.id} value={tag.id}>
              {tag.name} ({tag.trackCount})
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Genre</span>
        <select
          value={view.genre ?? ''}
          onChange={(event) => set('genre', event.target.value || undefined)}
        >
          <option value="">Any</option>
          {/* a genre from a link that the list does not hold (yet) stays choosable */}
          {view.genre && !genres.data?.some((g) => g.name === view.genre) && (
            <option value={view.genre}>{view.genre}</option>
          )}
          {genres.data?.map((genre) => (
            <option key={genre.name} value={genre.name}>
              {genre.name}
            </option>
          ))}
        </select>
      </label>
      {(['liked', 'rated', 'played'] as const).map((flag) => (
        <FlagFilter
          key={flag}
          flag={flag}
          value={view[flag]}
          onChange={(value) => set(flag, value)}
        />
      ))}
      <label className="filter sort-select">
        <span>Sort by</span>
        <select
          value={view.sort}
          onChange={(event) => {
            const sort = event.target.value as TrackSort;
            change((current) => ({ ...current, sort, order: defaultOrder(sort) }));
          }}
        >
          {TRACK_SORTS.map((sort) => (
            <option key={sort} value={sort}>
              {SORT_LABELS[sort]}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="sort-order"
        aria-label={
          view.order === 'asc'
            ? 'Ascending order, switch to descending'
            : 'Descending order, switch to ascending'
        }
        onClick={() => set('order', view.order === 'asc' ? 'desc' : 'asc')}
      >
        {view.order === 'asc' ? '▲' : '▼'}
      </button>
      {filteredName(view, tracks).map(({ kind, name }) => (
        <span key={kind} className="filter-chip">
          {kind === 'artist' ? 'Artist' : 'Album'}: {name}
          <button
            type="button"
            aria-label={`Remove the ${kind} filter`}
            onClick={() => set(kind, undefined)}
          >
            ×
          </button>
        </span>
      ))}
      {hasFilters(view) && (
        <button type="button" className="link" onClick={() => change(withoutFilters)}>
          Clear filters
        </button>
      )}
    </div>
  );
}
