import { Link } from 'react-router';

/** An empty library: the ways to fill it. */
export function FirstRun() {
  return (
    <div className="first-run">
      <h2>Your library is empty</h2>
      <p>Spotlib keeps your Spotify library and listening history. Three ways to start:</p>
      <ol className="ways-in">
        <li>
          <h3>
            <Link to="/import">Import your Spotify export</Link>
          </h3>
          <p>
            Request your data from Spotify’s privacy page, then drop the zip on the Import page:
            your whole listening history, back to the first play.
          </p>
        </li>
        <li>
          <h3>
            <Link to="/spotify">Connect Spotify</Link>
          </h3>
          <p>Sync your saved tracks and playlists, and keep recording what you play.</p>
        </li>
        <li>
          <h3>Try demo data</h3>
          <p>
            Coming soon: a sample library in a separate demo profile, never mixed with yours and
            removed in one click.
          </p>
        </li>
      </ol>
    </div>
  );
}
