import { Link } from 'react-router';
import { usePlayHistory, type Play, type PlaySource } from '../../api/history';
import { useTimeZone } from '../../api/stats';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatClock } from '../stats/format';
import { dayFormatter } from '../stats/period';
import './history.css';

/** Every play, newest first, grouped by day of the user's time zone, a page at a time. */
export function HistoryPage() {
  const timeZone = useTimeZone();
  const history = usePlayHistory();
  return (
    <section className="history-page">
      <h1>History</h1>
      {timeZone.isError || history.isError ? (
        <ErrorMessage error={timeZone.error ?? history.error} />
      ) : timeZone.isPending || history.isPending ? (
        <p className="status">Loading…</p>
      ) : (
        <Timeline history={history} timeZone={timeZone.data} />
      )}
    </section>
  );
}

function Timeline({
  history,
  timeZone,
}: {
  history: ReturnType<typeof usePlayHistory>;
  timeZone: string;
}) {
  const plays = history.data?.pages.flatMap((page) => page.items) ?? [];
  if (plays.length === 0) return <NoPlays />;
  return (
    <>
      <PlayTable plays={plays} timeZone={timeZone} />
      <div className="history-more">
        {history.hasNextPage ? (
          <button
            type="button"
            onClick={() => void history.fetchNextPage()}
            disabled={history.isFetchingNextPage}
          >
            {history.isFetchingNextPage ? 'Loading…' : 'Load more plays'}
          </button>
        ) : (
          <p className="history-muted">That is every play.</p>
        )}
        <ErrorMessage error={history.isFetchNextPageError ? history.error : null} />
      </div>
    </>
  );
}

function NoPlays() {
  return (
    <p className="status">
      No plays yet. <Link to="/import">Import your Spotify export</Link>,{' '}
      <Link to="/spotify">connect Spotify</Link>, or send plays from a scrobbler with an API token
      (see <Link to="/account">Account</Link>).
    </p>
  );
}

const SOURCES: Record<PlaySource, string> = {
  spotify_export: 'Spotify export',
  spotify_account_export: 'Spotify account data',
  spotify_recent: 'Spotify',
  listenbrainz: 'Scrobbler',
  generator: 'Demo data',
};

function PlayTable({ plays, timeZone }: { plays: Play[]; timeZone: string }) {
  const time = new Intl.DateTimeFormat(undefined, { timeZone, timeStyle: 'short' });
  const full = new Intl.DateTimeFormat(undefined, {
    timeZone,
    dateStyle: 'full',
    timeStyle: 'medium',
  });
  return (
    <table className="play-table">
      <caption>
        {plays.length.toLocaleString()} plays shown, newest first · times in {timeZone}
      </caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Track</th>
          <th scope="col">Source</th>
          <th scope="col">Played</th>
        </tr>
      </thead>
      {byDay(plays, timeZone).map(({ day, plays }) => (
        <tbody key={day}>
          <tr className="play-day">
            <th scope="rowgroup" colSpan={4}>
              {formatDay(day)}
            </th>
          </tr>
          {plays.map((play) => (
            <tr key={`${play.playedAt}:${play.track.id}`}>
              <td className="play-time">
                <time dateTime={play.playedAt} title={full.format(new Date(play.playedAt))}>
                  {time.format(new Date(play.playedAt))}
                </time>
              </td>
              <td className="play-track">
                <Link to={`/stats/tracks/${play.track.id}`}>{play.track.name}</Link>
                {play.skipped && <span className="play-skipped">skipped</span>}
                <span className="play-artist">
                  <Link to={`/stats/artists/${play.track.artist.id}`}>
                    {play.track.artist.name}
                  </Link>
                  {play.track.album && <> · {play.track.album.name}</>}
                </span>
              </td>
              <td className="play-source">{SOURCES[play.source] ?? play.source}</td>
              <td className="play-ms">{formatClock(play.msPlayed)}</td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}

/** Consecutive plays of one local day together; the plays come newest first. */
function byDay(plays: Play[], timeZone: string): { day: string; plays: Play[] }[] {
  const dayOf = dayFormatter(timeZone);
  const days: { day: string; plays: Play[] }[] = [];
  for (const play of plays) {
    const day = dayOf(new Date(play.playedAt));
    const last = days.at(-1);
    if (last?.day === day) last.plays.push(play);
    else days.push({ day, plays: [play] });
  }
  return days;
}

/** A local day (YYYY-MM-DD) in words; formatted as UTC so it stays that day. */
function formatDay(day: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));
}
