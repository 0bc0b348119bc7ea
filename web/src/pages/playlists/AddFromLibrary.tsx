import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useAddToPlaylist } from '../../api/playlists';
import { fetchTracks, type TrackItem } from '../../api/tracks';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDuration } from './format';

const RESULTS = 20;
/** Typing pauses this long before the library is searched. */
const DEBOUNCE_MS = 250;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Searches the library (names of tracks, artists, albums; accents ignored) to add tracks. */
export function AddFromLibrary({ playlistId }: { playlistId: number }) {
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), DEBOUNCE_MS);
  const results = useQuery({
    // not under TRACKS_KEY: the library's cache updates expect its paged lists there
    queryKey: ['library-search', q],
    queryFn: () => fetchTracks({ q, sort: 'name', order: 'asc', limit: RESULTS }),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
  });
  const add = useAddToPlaylist(playlistId);
  const [added, setAdded] = useState<Set<number>>(() => new Set());
  const addTrack = (track: TrackItem) =>
    add.mutate([track.id], {
      onSuccess: () => setAdded((before) => new Set(before).add(track.id)),
    });
  const items = q ? (results.data?.items ?? []) : [];

  return (
    <section className="add-from-library" aria-labelledby="add-heading">
      <h2 id="add-heading">Add from your library</h2>
      <label>
        Search the library
        <input
          type="search"
          value={text}
          placeholder="Track, artist or album"
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <ErrorMessage error={results.error ?? add.error} />
      {q && results.isFetching && !results.data && <p className="status">Searching…</p>}
      {q && results.data?.items.length === 0 && (
        <p className="status">Nothing in your library matches “{q}”.</p>
      )}
      {items.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {items.map((track) => (
            <li key={track.id}>
              <span className="entry-text">
                <span className="entry-name">{track.name}</span>
                <span className="entry-artists muted">
                  {track.artists.map((artist) => artist.name).join(', ')}
                </span>
              </span>
              <span className="entry-duration muted">{formatDuration(track.durationMs)}</span>
              <button
                type="button"
                aria-label={`Add ${track.name}`}
                disabled={add.isPending && add.variables[0] === track.id}
                onClick={() => addTrack(track)}
              >
                {added.has(track.id) ? 'Add again' : 'Add'}
              </button>
            </li>
          ))}
        </ul>
      )}
      {results.data?.nextCursor && (
        <p className="muted">The first {RESULTS} matches: type more to narrow them down.</p>
      )}
    </section>
  );
}
