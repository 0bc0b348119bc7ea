import { Link } from 'react-router';
import {
  useDeleteSmartPlaylist,
  useSmartPlaylists,
  type SmartPlaylistSummary,
} from '../../api/smart-playlists';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { NspImport } from './NspImport';
import { formatWhen } from './when';
import './smart.css';

/** /smart: the user's smart playlists; create, delete, import a Navidrome .nsp file. */
export function SmartPlaylistsPage() {
  const playlists = useSmartPlaylists();
  return (
    <section className="smart-list-page">
      <div className="page-head">
        <h1>Smart playlists</h1>
        <Link className="button primary" to="/smart/new">
          New smart playlist
        </Link>
      </div>
      {playlists.isPending ? (
        <p className="status">Loading…</p>
      ) : playlists.isError ? (
        <ErrorMessage error={playlists.error} />
      ) : playlists.data.length === 0 ? (
        <p className="status">
          No smart playlists yet. Create one from rules (rating, plays, dates, tags, genres…) or
          import a Navidrome .nsp file below.
        </p>
      ) : (
        <ul className="smart-list" aria-label="Your smart playlists">
          {playlists.data.map((playlist) => (
            <SmartPlaylistItem key={playlist.id} playlist={playlist} />
          ))}
        </ul>
      )}
      <NspImport />
    </section>
  );
}

function SmartPlaylistItem({ playlist }: { playlist: SmartPlaylistSummary }) {
  const remove = useDeleteSmartPlaylist();
  return (
    <li className="smart-item">
      <div className="smart-item-main">
        <Link to={`/smart/${playlist.id}`}>{playlist.name}</Link>
        <span className="muted">
          {playlist.trackCount.toLocaleString()} {playlist.trackCount === 1 ? 'track' : 'tracks'} ·
          refreshed {formatWhen(playlist.evaluatedAt)}
        </span>
      </div>
      <div className="smart-item-actions">
        <ConfirmButton
          label={`Delete ${playlist.name}`}
          question={`Delete “${playlist.name}”? Its tracks stay in your library.`}
          confirmText="Delete smart playlist"
          disabled={remove.isPending}
          onConfirm={() => remove.mutate(playlist.id)}
        >
          Delete
        </ConfirmButton>
      </div>
      <ErrorMessage error={remove.error} />
    </li>
  );
}
