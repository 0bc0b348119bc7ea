import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { PREVIEW_PAGE_SIZE, type SmartPreview } from '../../api/smart-playlists';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDuration, formatTotal } from './duration';
import { starsLabel } from './ValueInput';

interface Props {
  preview: UseQueryResult<SmartPreview>;
  /** the rule still missing a value ("Rule 2"), which holds the preview back */
  unfinished: string | null;
  /** the rules changed and the next preview is on its way */
  pending: boolean;
}

/** What the rules select right now: the count as you edit, and the first tracks. */
export function PreviewPanel({ preview, unfinished, pending }: Props) {
  return (
    <section className="smart-preview" aria-labelledby="smart-preview-heading">
      <h2 id="smart-preview-heading">Preview</h2>
      <p role="status" className="preview-count">
        <PreviewSummary preview={preview} unfinished={unfinished} />
        {!unfinished && (pending || preview.isFetching) && preview.data && (
          <span className="muted"> · updating…</span>
        )}
      </p>
      {!unfinished &&
        preview.isError &&
        !(preview.error instanceof ApiError && preview.error.status === 400) && (
          <ErrorMessage error={preview.error} />
        )}
      {!unfinished && preview.data && preview.data.items.length > 0 && (
        <PreviewTracks preview={preview.data} />
      )}
    </section>
  );
}

function PreviewSummary({ preview, unfinished }: Pick<Props, 'preview' | 'unfinished'>) {
  if (unfinished) return <>Finish {unfinished.toLowerCase()} to see what matches.</>;
  if (preview.isError) {
    return preview.error instanceof ApiError && preview.error.status === 400 ? (
      <>Fix the marked rules to see what matches.</>
    ) : (
      <>No preview.</>
    );
  }
  if (!preview.data) return <>Counting…</>;
  const { count, durationMs } = preview.data;
  if (count === 0) return <>No tracks match.</>;
  return (
    <>
      {count.toLocaleString()} {count === 1 ? 'track' : 'tracks'} · {formatTotal(durationMs)}
    </>
  );
}

function PreviewTracks({ preview }: { preview: SmartPreview }) {
  return (
    <>
      <table className="preview-tracks">
        <caption className="smart-visually-hidden">Matching tracks</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Artist</th>
            <th scope="col" className="narrow-hide">
              Rating
            </th>
            <th scope="col" className="num">
              Plays
            </th>
            <th scope="col" className="num narrow-hide">
              Time
            </th>
          </tr>
        </thead>
        <tbody>
          {preview.items.map((track) => (
            <tr key={track.id}>
              <td>{track.name}</td>
              <td>{track.artists.map((artist) => artist.name).join(', ')}</td>
              <td className="narrow-hide">
                {track.rating === null ? '' : starsLabel(track.rating)}
              </td>
              <td className="num">{track.playCount}</td>
              <td className="num narrow-hide">
                {track.durationMs === null ? '' : formatDuration(track.durationMs)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview.count > preview.items.length && (
        <p className="muted">
          The first {Math.min(PREVIEW_PAGE_SIZE, preview.items.length)} of{' '}
          {preview.count.toLocaleString()}.
        </p>
      )}
    </>
  );
}
