import { useMemo } from 'react';
import { useParams } from 'react-router';
import {
  useGenreNames,
  useManualPlaylistNames,
  useSmartPlaylist,
  useSmartPlaylists,
} from '../../api/smart-playlists';
import { useTags } from '../../api/tags';
import { ErrorMessage } from '../../components/ErrorMessage';
import { RuleOptionsContext, type RuleOptions } from './rule-options';
import { SmartPlaylistEditor } from './SmartPlaylistEditor';
import './smart.css';

/** The pickers' lists; each one empty until it loads, so the editor never waits on them. */
function useLoadedRuleOptions(self: number | null): RuleOptions {
  const tags = useTags().data;
  const genres = useGenreNames().data;
  const playlists = useManualPlaylistNames().data;
  const smart = useSmartPlaylists().data;
  return useMemo(
    () => ({
      tags: tags?.map((tag) => tag.name) ?? [],
      genres: genres ?? [],
      playlists: playlists ?? [],
      smartPlaylists: smart?.filter((p) => p.id !== self) ?? [],
    }),
    [tags, genres, playlists, smart, self],
  );
}

/** /smart/new and /smart/:id */
export function SmartPlaylistEditorPage() {
  const params = useParams();
  const id = params.id === undefined ? null : Number(params.id);
  const valid = id === null || (Number.isSafeInteger(id) && id > 0);
  const playlist = useSmartPlaylist(valid ? id : null);
  const options = useLoadedRuleOptions(id);
  if (!valid) {
    return (
      <section>
        <h1>Smart playlist</h1>
        <p className="status">No such smart playlist.</p>
      </section>
    );
  }
  if (id !== null && !playlist.data) {
    return (
      <section>
        <h1>Smart playlist</h1>
        {playlist.isError ? (
          <ErrorMessage error={playlist.error} />
        ) : (
          <p className="status">Loading…</p>
        )}
      </section>
    );
  }
  return (
    <RuleOptionsContext.Provider value={options}>
      <SmartPlaylistEditor key={id ?? 'new'} id={id} initial={playlist.data ?? null} />
    </RuleOptionsContext.Provider>
  );
}
