import { useId, useState } from 'react';
import { Link } from 'react-router';
import {
  useTop,
  type PeriodBounds,
  type RankBy,
  type TopItem,
  type TopKind,
} from '../../api/stats';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatListeningTime, formatPlays } from './format';

const SHORT = 10;
const LONG = 50;

interface TopListProps {
  kind: TopKind;
  title: string;
  bounds: PeriodBounds;
  by: RankBy;
}

/** One top list of the period: rank, name (linked where a page exists), plays and time. */
export function TopList({ kind, title, bounds, by }: TopListProps) {
  const [expanded, setExpanded] = useState(false);
  const top = useTop(kind, bounds, by, expanded ? LONG : SHORT);
  const headingId = useId();
  const items = top.data ?? [];
  const best = items[0] ? figure(items[0], by) : 0;
  return (
    <section className="stats-card top-list" aria-labelledby={headingId} aria-busy={top.isFetching}>
      <h2 id={headingId}>{title}</h2>
      {top.isPending ? (
        <p className="stats-muted">Loading…</p>
      ) : top.isError ? (
        <ErrorMessage error={top.error} />
      ) : items.length === 0 ? (
        <p className="stats-muted">Nothing in this period.</p>
      ) : (
        <ol>
          {items.map((item, index) => (
            <li key={item.id}>
              <span className="top-rank" aria-hidden="true">
                {index + 1}
              </span>
              <span className="top-name">
                <ItemName kind={kind} item={item} />
              </span>
              <span className="top-figures">
                <span className={by === 'plays' ? 'ranked' : undefined}>
                  {formatPlays(item.plays)}
                </span>
                <span className={by === 'time' ? 'ranked' : undefined}>
                  {formatListeningTime(item.msPlayed)}
                </span>
              </span>
              <span
                className="top-bar"
                aria-hidden="true"
                style={{ width: `${best > 0 ? (100 * figure(item, by)) / best : 0}%` }}
              />
            </li>
          ))}
        </ol>
      )}
      {(expanded || items.length >= SHORT) && (
        <button type="button" className="link" onClick={() => setExpanded(!expanded)}>
          {expanded ? `Show top ${SHORT}` : `Show top ${LONG}`}
          <span className="stats-sr-only"> {kind}</span>
        </button>
      )}
    </section>
  );
}

const figure = (item: TopItem, by: RankBy) => (by === 'plays' ? item.plays : item.msPlayed);

function ItemName({ kind, item }: { kind: TopKind; item: TopItem }) {
  switch (kind) {
    case 'artists':
      return <Link to={`/stats/artists/${item.id}`}>{item.name}</Link>;
    case 'tracks':
      return (
        <>
          <Link to={`/stats/tracks/${item.id}`}>{item.name}</Link>
          <ByArtist item={item} />
        </>
      );
    case 'albums':
      return (
        <>
          {item.name}
          <ByArtist item={item} />
        </>
      );
    case 'genres':
      return <>{item.name}</>;
    case 'tags':
      return (
        <>
          <span
            className="tag-dot"
            aria-hidden="true"
            style={{ background: item.color ?? '#555' }}
          />
          {item.name}
        </>
      );
  }
}

function ByArtist({ item }: { item: TopItem }) {
  if (!item.artist) return null;
  return (
    <span className="top-artist">
      {' '}
      by <Link to={`/stats/artists/${item.artist.id}`}>{item.artist.name}</Link>
    </span>
  );
}
