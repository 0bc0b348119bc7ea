import { useId, type ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import type { PeriodTotal } from '../../api/stats';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatInstant } from './format';
import { ListeningChart, withSilentMonths } from './ListeningChart';
import './stats.css';

/** A route's `:id` as the API takes it, or null for anything else (then "not found"). */
export function parseId(raw: string | undefined): number | null {
  const id = Number(raw);
  return raw && /^\d+$/.test(raw) && Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const isNotFound = (error: Error | null) =>
  error instanceof ApiError && error.status === 404;

/** The page of an artist or a track: its loading, not-found and error states around the content. */
export function EntityPage<T>({
  what,
  id,
  query,
  children,
}: {
  what: 'Artist' | 'Track';
  id: number | null;
  query: { data: T | undefined; error: Error | null };
  children: (data: T) => ReactNode;
}) {
  if (id === null || isNotFound(query.error)) {
    return (
      <section className="stats-page entity-page">
        <BackToStats />
        <h1>{what} not found</h1>
        <p>
          There is no such {what.toLowerCase()} in your library.{' '}
          <Link to="/stats">Back to your statistics</Link>
        </p>
      </section>
    );
  }
  if (query.data === undefined) {
    return (
      <section className="stats-page entity-page">
        <BackToStats />
        <h1>{what}</h1>
        {query.error ? <ErrorMessage error={query.error} /> : <p className="status">Loading…</p>}
      </section>
    );
  }
  return <section className="stats-page entity-page">{children(query.data)}</section>;
}

export function BackToStats() {
  return (
    <p className="breadcrumb">
      <Link to="/stats">← Statistics</Link>
    </p>
  );
}

/** The figures of an artist or a track as a term/value list. */
export function Figures({ items }: { items: [term: string, value: ReactNode][] }) {
  return (
    <dl className="entity-figures">
      {items.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A first or last play, in the user's time zone; "never" without one. */
export function PlayedAt({ at, timeZone }: { at: string | null; timeZone: string | undefined }) {
  if (!at) return <>never</>;
  return (
    <time dateTime={at}>
      {timeZone ? formatInstant(at, timeZone) : new Date(at).toLocaleString()}
    </time>
  );
}

export function PlaysPerMonth({ months }: { months: PeriodTotal[] }) {
  const headingId = useId();
  return (
    <section className="stats-card" aria-labelledby={headingId}>
      <h2 id={headingId}>Plays per month</h2>
      {months.length === 0 ? (
        <p className="stats-muted">No plays yet.</p>
      ) : (
        <ListeningChart
          data={withSilentMonths(months)}
          step="month"
          by="plays"
          title="Plays per month"
        />
      )}
    </section>
  );
}
