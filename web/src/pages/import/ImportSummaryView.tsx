import type { ImportFileKind, ImportSummary } from '../../api/imports';

const KIND_NAMES: Record<ImportFileKind, string> = {
  extended: 'Extended streaming history',
  account_music: 'Account data: music history',
  account_podcast: 'Account data: podcast history',
  library: 'Your library',
};

const number = new Intl.NumberFormat();

/** What an import did, count by count, and each file: what it was, its rows, its errors. */
export function ImportSummaryView({ summary }: { summary: ImportSummary }) {
  const counts: [string, number | string][] = [
    ['Files', summary.files],
    ['Files imported before (not read again)', summary.filesAlreadyImported ?? 0],
    ['Rows read', summary.rowsRead],
    ['Plays added', summary.playsInserted],
    ['Already there (skipped)', summary.duplicatesSkipped],
    ['Too short to count', summary.belowThreshold],
    ['Podcasts, videos, audiobooks', summary.nonMusic],
    ['Invalid rows', summary.invalidRows],
    ['Library tracks', summary.libraryTracks],
    ['Tracks without a Spotify id', summary.unresolvedTracks],
    ['Seconds', summary.seconds.toFixed(1)],
  ];
  return (
    <section className="import-summary" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <dl className="counts">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{typeof value === 'number' ? number.format(value) : value}</dd>
          </div>
        ))}
      </dl>
      {summary.unresolvedTracks > 0 && (
        <p className="muted">
          Tracks without a Spotify id came from history rows that name them only; a Spotify sync
          looks them up, so they can be pushed to Spotify playlists.
        </p>
      )}
      <h3>Files</h3>
      <table className="file-table">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Recognised as</th>
            <th scope="col">Rows</th>
          </tr>
        </thead>
        <tbody>
          {summary.fileKinds.map((file) => (
            <tr key={file.file}>
              <td>{file.file}</td>
              <td>{file.kind ? KIND_NAMES[file.kind] : 'Not an export file (skipped)'}</td>
              <td>{number.format(file.rows)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.errors.length > 0 && (
        <div role="alert">
          <h3>Errors</h3>
          <ul className="file-errors">
            {summary.errors.map((error) => (
              <li key={`${error.file}\n${error.message}`}>
                <strong>{error.file}</strong>: {error.message}
              </li>
            ))}
          </ul>
          <p className="muted">The other files were imported; rows before an error stay.</p>
        </div>
      )}
    </section>
  );
}
