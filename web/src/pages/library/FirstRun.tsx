import { Link } from 'react-router';
import { useActiveDemo, useEnterDemo } from '../../api/demo';
import { ErrorMessage } from '../../components/ErrorMessage';

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
        <TryDemo />
      </ol>
    </div>
  );
}

/** The third way in: a sample library in a demo profile of its own. */
function TryDemo() {
  const inDemo = useActiveDemo() !== null;
  const enter = useEnterDemo();
  if (inDemo) return null;
  return (
    <li>
      <h3>Try demo data</h3>
      <p>
        Look around a sample library and ten years of plays. It lives in a separate demo profile,
        never mixed with yours, and one click removes it.
      </p>
      <button
        type="button"
        className="primary"
        onClick={() => enter.mutate()}
        disabled={enter.isPending}
        aria-describedby={enter.isPending ? 'demo-progress' : undefined}
      >
        Try demo data
      </button>
      {enter.isPending && (
        <span id="demo-progress" role="status">
          {' '}
          Making the demo library…
        </span>
      )}
      <ErrorMessage error={enter.error} />
    </li>
  );
}
