import { useSearchParams } from 'react-router';
import { useEffect, useState } from 'react';
import {
  syncRunning,
  useConnectSpotify,
  useDisconnectSpotify,
  useSyncStatus,
  type SpotifyConnection,
} from '../../api/spotify';
import { ErrorMessage } from '../../components/ErrorMessage';
import { ConfirmButton } from '../../components/ConfirmButton';
import { SyncProgress } from './SyncProgress';
import './spotify.css';

const START_GRACE_MS = 10_000;

/** The Spotify link: its state, connect / reconnect / disconnect, and the sync. */
export function SpotifyPage() {
  // After "Sync now", poll even before the sync has claimed its first step;
  // a sync that ends before a poll sees it running stops this after a while.
  const [justStarted, setJustStarted] = useState(false);
  const status = useSyncStatus(justStarted);
  const running = syncRunning(status.data);
  if (justStarted && running) setJustStarted(false);
  useEffect(() => {
    if (!justStarted) return;
    const timer = setTimeout(() => setJustStarted(false), START_GRACE_MS);
    return () => clearTimeout(timer);
  }, [justStarted]);

  return (
    <section className="spotify-page">
      <h1>Spotify</h1>
      <ConnectionFailure />
      {status.isPending && <p className="status">Loading…</p>}
      <ErrorMessage error={status.error} />
      {status.data && (
        <>
          <ConnectionPanel connection={status.data.connection} />
          {status.data.connection.status !== 'not_connected' && (
            <SyncProgress
              status={status.data}
              running={running || justStarted}
              onStarted={() => setJustStarted(true)}
            />
          )}
        </>
      )}
    </section>
  );
}

/** Why connecting failed, when Spotify's redirect came back with an error. */
function ConnectionFailure() {
  const [search] = useSearchParams();
  const message = search.get('error');
  if (!message) return null;
  return (
    <p className="error" role="alert">
      Connecting Spotify did not work: {message}
    </p>
  );
}

function ConnectionPanel({ connection }: { connection: SpotifyConnection }) {
  const connect = useConnectSpotify();
  const disconnect = useDisconnectSpotify();
  const who = connection.displayName ?? connection.spotifyUserId;
  return (
    <section className="panel" aria-labelledby="connection-heading">
      <h2 id="connection-heading">Connection</h2>
      {connection.status === 'not_connected' && (
        <>
          <p role="status">Not connected.</p>
          <p className="muted">
            Connecting lets Spotlib read your liked tracks and recent plays and push playlists to
            Spotify. Spotify asks you to agree first.
          </p>
        </>
      )}
      {connection.status === 'connected' && (
        <p role="status">
          Connected as <strong>{who}</strong>.
        </p>
      )}
      {connection.status === 'needs_reconnect' && (
        <div className="warning" role="alert">
          <p>
            <strong>Spotify needs you to reconnect</strong>
            {who && <> the account {who}</>}: it no longer accepts Spotlib’s access, so syncing and
            pushing have stopped.
          </p>
          {connection.lastError && <p className="muted">Spotify said: {connection.lastError}</p>}
        </div>
      )}
      <div className="actions">
        {connection.status !== 'connected' && (
          <button
            type="button"
            className="primary"
            disabled={connect.isPending}
            onClick={() => connect.mutate()}
          >
            {connection.status === 'needs_reconnect' ? 'Reconnect Spotify' : 'Connect Spotify'}
          </button>
        )}
        {connection.status !== 'not_connected' && (
          <ConfirmButton
            question="Disconnect Spotify? Your library and history stay; syncing stops."
            confirmText="Disconnect"
            disabled={disconnect.isPending}
            onConfirm={() => disconnect.mutate()}
          >
            Disconnect Spotify
          </ConfirmButton>
        )}
      </div>
      <ErrorMessage error={connect.error ?? disconnect.error} />
    </section>
  );
}
