import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import {
  useCreatePlaylist,
  useDeletePlaylist,
  usePlaylists,
  useRenamePlaylist,
  type Playlist,
} from '../../api/playlists';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ConfirmButton } from '../../components/ConfirmButton';
import './playlists.css';

/** Your manual playlists: create, rename, delete, open. */
export function PlaylistsPage() {
  const playlists = usePlaylists();
  return (
    <section className="playlists">
      <h1>Playlists</h1>
      <CreatePlaylistForm />
      {playlists.isPending && <p className="status">Loading playlists…</p>}
      <ErrorMessage error={playlists.error} />
      {playlists.data?.length === 0 && (
        <p className="status">
          No playlists yet. Name one above, then add tracks to it from your library.
        </p>
      )}
      {!!playlists.data?.length && (
        <ul className="playlist-list" aria-label="Your playlists">
          {playlists.data.map((playlist) => (
            <PlaylistRow key={playlist.id} playlist={playlist} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CreatePlaylistForm() {
  const [name, setName] = useState('');
  const create = useCreatePlaylist();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: () => setName('') });
  };
  return (
    <form className="inline-form" onSubmit={submit}>
      <label>
        New playlist name
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={200}
          required
        />
      </label>
      <button type="submit" className="primary" disabled={create.isPending || !name.trim()}>
        Create playlist
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}

function PlaylistRow({ playlist }: { playlist: Playlist }) {
  const [renaming, setRenaming] = useState(false);
  const remove = useDeletePlaylist();
  return (
    <li className="playlist-row">
      {renaming ? (
        <RenameForm playlist={playlist} onDone={() => setRenaming(false)} />
      ) : (
        <>
          <Link to={`/playlists/${playlist.id}`} className="playlist-name">
            {playlist.name}
          </Link>
          <span className="muted">
            {playlist.trackCount} {playlist.trackCount === 1 ? 'track' : 'tracks'}
          </span>
          <span className="row-actions">
            <button
              type="button"
              aria-label={`Rename ${playlist.name}`}
              onClick={() => setRenaming(true)}
            >
              Rename
            </button>
            <ConfirmButton
              label={`Delete ${playlist.name}`}
              question={`Delete “${playlist.name}”? Its tracks stay in your library.`}
              confirmText="Delete playlist"
              disabled={remove.isPending}
              onConfirm={() => remove.mutate(playlist.id)}
            >
              Delete
            </ConfirmButton>
          </span>
        </>
      )}
      <ErrorMessage error={remove.error} />
    </li>
  );
}

function RenameForm({ playlist, onDone }: { playlist: Playlist; onDone: () => void }) {
  const [name, setName] = useState(playlist.name);
  const rename = useRenamePlaylist();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === playlist.name) return onDone();
    rename.mutate({ id: playlist.id, name: name.trim() }, { onSuccess: onDone });
  };
  return (
    <form
      className="inline-form"
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDone();
      }}
    >
      <label>
        New name for {playlist.name}
        <input
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={200}
          required
          autoFocus
        />
      </label>
      <button type="submit" className="primary" disabled={rename.isPending || !name.trim()}>
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ErrorMessage error={rename.error} />
    </form>
  );
}
