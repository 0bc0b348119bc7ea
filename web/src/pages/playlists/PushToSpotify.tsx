import { ApiError } from '../../api/client';
import { usePushPlaylist, type PushResult } from '../../api/playlists';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * Push to Spotify. Spotlib never silently overwrites edits made on Spotify:
 * when the playlist changed there, the user is asked before a forced push.
 */
export function PushToSpotify({ playlistId }: { playlistId: number }) {
  const push = usePushPlaylist(playlistId);
  const changedOnSpotify =
    push.error instanceof ApiError && push.error.body.error === 'spotify_playlist_changed';
  return (
    <div className="push">
      <button
        type="button"
        className="primary"
        disabled={push.isPending}
        onClick={() => push.mutate(false)}
      >
        {push.isPending ? 'Pushing…' : 'Push to Spotify'}
      </button>
      {changedOnSpotify ? (
        <div className="warning" role="alert">
          <p>
            This playlist was changed on Spotify since the last push. Pushing replaces those changes
            with this playlist.
          </p>
          <button type="button" onClick={() => push.mutate(true)}>
            Push anyway
          </button>{' '}
          <button type="button" onClick={() => push.reset()}>
            Keep Spotify’s version
          </button>
        </div>
      ) : (
        <ErrorMessage error={push.error} />
      )}
      {push.data && <PushOutcome result={push.data} />}
    </div>
  );
}

function PushOutcome({ result }: { result: PushResult }) {
  const unlisted = result.withoutSpotifyId - result.missing.length;
  return (
    <div role="status">
      <p>
        {result.created ? 'Created on Spotify' : 'Updated on Spotify'} with {result.tracks}{' '}
        {result.tracks === 1 ? 'track' : 'tracks'}.{' '}
        <a
          href={`https://open.spotify.com/playlist/${result.spotifyPlaylistId}`}
          target="_blank"
          rel="noreferrer"
        >
          Open in Spotify
        </a>
      </p>
      {result.withoutSpotifyId > 0 && (
        <div className="warning">
          <p>
            {result.withoutSpotifyId} {result.withoutSpotifyId === 1 ? 'track was' : 'tracks were'}{' '}
            left out: Spotlib knows {result.withoutSpotifyId === 1 ? 'it' : 'them'} by name only,
            without a Spotify id (a Spotify sync looks them up).
          </p>
          <ul>
            {result.missing.map((track) => (
              <li key={track.id}>{track.name}</li>
            ))}
            {unlisted > 0 && <li>and {unlisted} more</li>}
          </ul>
        </div>
      )}
    </div>
  );
}
