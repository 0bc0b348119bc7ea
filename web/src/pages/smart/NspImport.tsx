import { useId, useState, type ChangeEvent } from 'react';
import { Link } from 'react-router';
import { issuesOf, useImportNsp } from '../../api/smart-playlists';
import { ErrorMessage } from '../../components/ErrorMessage';

/** The API takes up to a million characters of .nsp text. */
const MAX_NSP_CHARS = 1_000_000;

/**
 * A Navidrome .nsp file → a new smart playlist. What Spotlib has no
 * equivalent for is left out and listed; a file that cannot stand as a
 * playlist is refused with every problem named.
 */
export function NspImport() {
  const importNsp = useImportNsp();
  const inputId = useId();
  const [fileError, setFileError] = useState<Error | null>(null);
  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    importNsp.reset();
    setFileError(null);
    const nsp = await file.text().catch((error: unknown) => {
      setFileError(new Error(`${file.name} could not be read: ${String(error)}`));
      return null;
    });
    // the same file can be chosen again after fixing it
    input.value = '';
    if (nsp === null) return;
    if (nsp.length > MAX_NSP_CHARS) {
      setFileError(new Error(`${file.name} is larger than a .nsp file can be (1 MB).`));
      return;
    }
    importNsp.mutate({ nsp, name: file.name.replace(/\.nsp$/i, '') || undefined });
  };
  const refused = issuesOf(importNsp.error);
  return (
    <section className="nsp-import" aria-labelledby={`${inputId}-heading`}>
      <h2 id={`${inputId}-heading`}>Import from Navidrome</h2>
      <label htmlFor={inputId}>Import a Navidrome .nsp file</label>
      <input
        id={inputId}
        type="file"
        accept=".nsp,application/json,text/plain"
        disabled={importNsp.isPending}
        onChange={(event) => void choose(event)}
      />
      <div role="status">
        {importNsp.isPending && <p className="muted">Importing…</p>}
        {importNsp.data && (
          <div className="import-result">
            <p>
              Imported{' '}
              <Link to={`/smart/${importNsp.data.playlist.id}`}>
                {importNsp.data.playlist.name}
              </Link>{' '}
              with {importNsp.data.playlist.trackCount.toLocaleString()}{' '}
              {importNsp.data.playlist.trackCount === 1 ? 'track' : 'tracks'}.
            </p>
            {importNsp.data.problems.length > 0 && (
              <>
                <p>Left out, as Spotlib has no equivalent:</p>
                <ul className="problems">
                  {importNsp.data.problems.map((problem, i) => (
                    <li key={i}>
                      <code>{problem.path}</code>: {problem.message}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>
      {refused.length > 0 ? (
        <div className="error" role="alert">
          <p>This file cannot be imported:</p>
          <ul className="problems">
            {refused.map((problem, i) => (
              <li key={i}>
                <code>{problem.path}</code>: {problem.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorMessage error={importNsp.error ?? fileError} />
      )}
    </section>
  );
}
