import { useStartSync, type SyncKind, type SyncStatus, type SyncStep } from '../../api/spotify';
import { ErrorMessage } from '../../components/ErrorMessage';

const STEP_NAMES: Record<SyncKind, string> = {
  library: 'Liked tracks',
  recently_played: 'Recent plays',
  playlists: 'Playlists',
  artists: 'Artist details',
  resolution: 'Spotify ids for imported tracks',
};

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '–');

/** The sync: Sync now, each step's progress and last error, and what the last sync did. */
export function SyncProgress({
  status,
  running,
  onStarted,
}: {
  status: SyncStatus;
  running: boolean;
  onStarted: () => void;
}) {
  const start = useStartSync();
  const { lastSync } = status;
  return (
    <section className="panel" aria-labelledby="sync-heading">
      <h2 id="sync-heading">Sync</h2>
      <p className="muted">
        Spotlib syncs your recent plays on its own; a sync reads your liked tracks and artists too,
        and looks up Spotify ids for tracks imported by name.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={running || start.isPending || status.connection.status !== 'connected'}
          onClick={() => start.mutate(undefined, { onSuccess: onStarted })}
        >
          {running ? 'Syncing…' : 'Sync now'}
        </button>
      </div>
      <ErrorMessage error={start.error} />
      {lastSync ? (
        <p role="status">
          Last sync {when(lastSync.finishedAt)} ({lastSync.mode}, {lastSync.seconds.toFixed(0)} s):{' '}
          {lastSync.savedTracks} liked tracks, {lastSync.newTracks} new, {lastSync.unliked} unliked,{' '}
          {lastSync.plays} plays, {lastSync.artists} artists, {lastSync.resolved} tracks matched.
        </p>
      ) : (
        <p role="status">No sync has finished yet.</p>
      )}
      {status.items.length > 0 && (
        <div className="table-scroll">
          <table className="sync-steps">
            <caption className="visually-hidden">Sync steps</caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Last success</th>
              </tr>
            </thead>
            <tbody>
              {status.items.map((step) => (
                <StepRow key={step.kind} step={step} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StepRow({ step }: { step: SyncStep }) {
  return (
    <>
      <tr>
        <th scope="row">{STEP_NAMES[step.kind]}</th>
        <td className={step.status === 'failed' ? 'error' : undefined}>{step.status}</td>
        <td>
          {step.total ? (
            <progress
              aria-label={`${STEP_NAMES[step.kind]} progress`}
              value={step.done}
              max={step.total}
            />
          ) : null}{' '}
          {step.done.toLocaleString()}
          {step.total ? ` / ${step.total.toLocaleString()}` : ''}
        </td>
        <td>{when(step.lastSuccessAt)}</td>
      </tr>
      {step.lastError && (
        <tr className="step-error">
          <td colSpan={4} className="error">
            Last error: {step.lastError}
          </td>
        </tr>
      )}
    </>
  );
}
