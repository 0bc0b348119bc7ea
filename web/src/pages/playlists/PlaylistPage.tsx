import { Link, useParams } from 'react-router';
import { usePlaylists } from '../../api/playlists';
import { ErrorMessage } from '../../components/ErrorMessage';
import { AddFromLibrary } from './AddFromLibrary';
import { PlaylistEntries } from './PlaylistEntries';
import { PushToSpotify } from './PushToSpotify';
import './playlists.css';

/** One manual playlist: its tracks in order, reordering, adding from the library, pushing. */
export function PlaylistPage() {
  const id = Number(useParams().id);
  const playlists = usePlaylists();
  const playlist = playlists.data?.find((p) => p.id === id);

  if (playlists.isPending) return <p className="status">Loading…</p>;
  if (playlists.isError) return <ErrorMessage error={playlists.error} />;
  if (!playlist) {
    return (
      <section className="playlists">
        <h1>No such playlist</h1>
        <p>
          It may have been deleted. <Link to="/playlists">All playlists</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="playlists">
      <p className="breadcrumb">
        <Link to="/playlists">Playlists</Link>
      </p>
      <header className="playlist-header">
        <div>
          <h1>{playlist.name}</h1>
          <p className="muted">
            {playlist.trackCount} {playlist.trackCount === 1 ? 'track' : 'tracks'}
            {playlist.description && ` · ${playlist.description}`}
          </p>
        </div>
        <PushToSpotify playlistId={id} />
      </header>
      <div className="playlist-body">
        <div className="playlist-tracks">
          <PlaylistEntries playlistId={id} total={playlist.trackCount} />
        </div>
        <AddFromLibrary playlistId={id} />
      </div>
    </section>
  );
}
