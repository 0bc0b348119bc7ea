import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { importFinished, uploadImport, useImportStatus } from '../../api/imports';
import { ErrorMessage } from '../../components/ErrorMessage';
import { DropZone } from './DropZone';
import { ImportSummaryView } from './ImportSummaryView';
import './import.css';

const bytes = new Intl.NumberFormat(undefined, {
  style: 'unit',
  unit: 'megabyte',
  maximumFractionDigits: 1,
});
const megabytes = (n: number) => bytes.format(n / 1_000_000);

/**
 * Spotify's data export in: choose or drop the files, upload them (with the
 * upload's progress), then follow the import until its summary. The import's
 * id is kept in the address, so a reload keeps following it.
 */
export function ImportPage() {
  const [params, setParams] = useSearchParams();
  const importId = Number(params.get('import')) || null;
  const [files, setFiles] = useState<File[]>([]);
  const [sent, setSent] = useState(0);
  const upload = useMutation({
    mutationFn: (chosen: File[]) => uploadImport(chosen, setSent),
    onSuccess: (status) => {
      setFiles([]);
      setParams({ import: String(status.id) });
    },
  });
  const startOver = () => {
    upload.reset();
    setSent(0);
    setParams({});
  };

  return (
    <section className="import-page">
      <h1>Import your Spotify history</h1>
      <p className="muted">
        Ask Spotify for your data (“Download your data” in your account’s privacy settings; the
        “Extended streaming history” holds every play since your account began). Importing the same
        files again adds nothing twice.
      </p>
      {importId === null ? (
        <>
          <DropZone onFiles={setFiles} disabled={upload.isPending} />
          {files.length > 0 && (
            <div className="chosen">
              <h2>Chosen files</h2>
              <ul>
                {files.map((file) => (
                  <li key={`${file.name}-${file.size}-${file.lastModified}`}>
                    {file.name} <span className="muted">({megabytes(file.size)})</span>
                  </li>
                ))}
              </ul>
              <div className="actions">
                <button
                  type="button"
                  className="primary"
                  disabled={upload.isPending}
                  onClick={() => upload.mutate(files)}
                >
                  {files.length === 1 ? 'Import this file' : `Import these ${files.length} files`}
                </button>
                <button type="button" disabled={upload.isPending} onClick={() => setFiles([])}>
                  Clear
                </button>
              </div>
            </div>
          )}
          {upload.isPending && (
            <p className="progress-line">
              <progress aria-label="Upload progress" value={sent} max={1} />
              <span>Uploading… {Math.floor(sent * 100)}%</span>
            </p>
          )}
          <ErrorMessage error={upload.error} />
        </>
      ) : (
        <ImportProgress id={importId} onStartOver={startOver} />
      )}
    </section>
  );
}

function ImportProgress({ id, onStartOver }: { id: number; onStartOver: () => void }) {
  const status = useImportStatus(id);
  if (status.isPending) return <p className="status">Loading the import…</p>;
  if (status.isError) {
    return (
      <>
        <ErrorMessage error={status.error} />
        <button type="button" onClick={onStartOver}>
          Import files
        </button>
      </>
    );
  }
  const { progress, summary, error } = status.data;
  const finished = importFinished(status.data);
  return (
    <div className="import-progress">
      {!finished && (
        <div role="status">
          <h2>Importing…</h2>
          <p className="progress-line">
            <progress aria-label="Import progress" value={progress.percent} max={100} />
            <span>{progress.percent}%</span>
          </p>
          <p className="muted">
            {progress.rows.toLocaleString()} rows read · {megabytes(progress.bytes)} of{' '}
            {megabytes(progress.totalBytes)}. You can leave this page: the import goes on.
          </p>
        </div>
      )}
      {status.data.status === 'completed' && (
        <div role="status">
          <h2>Import finished</h2>
          <p>
            <Link to="/">See your library</Link> · <Link to="/stats">See your stats</Link> ·{' '}
            <Link to="/history">See your history</Link>
          </p>
        </div>
      )}
      {(status.data.status === 'failed' || status.data.status === 'cancelled') && (
        <div role="alert">
          <h2>The import {status.data.status === 'failed' ? 'failed' : 'was cancelled'}</h2>
          {error && <p className="error">{error}</p>}
        </div>
      )}
      {summary && finished && <ImportSummaryView summary={summary} />}
      {finished && (
        <button type="button" onClick={onStartOver}>
          Import more files
        </button>
      )}
    </div>
  );
}
