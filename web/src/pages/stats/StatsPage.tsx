import { useId } from 'react';
import { Link, useSearchParams } from 'react-router';
import {
  useHeatmap,
  useListeningTime,
  useTimeZone,
  type PeriodBounds,
  type RankBy,
  type Step,
} from '../../api/stats';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatListeningTime, formatPeriod, formatPlays } from './format';
import { Heatmap } from './Heatmap';
import { ListeningChart } from './ListeningChart';
import { PeriodPicker } from './PeriodPicker';
import {
  periodBounds,
  periodParams,
  periodProblem,
  readPeriod,
  readRankBy,
  stepFor,
  wholePeriod,
  dayIn,
  yearOf,
  type Period,
} from './period';
import { TopList } from './TopList';
import './stats.css';

/** The statistics dashboard; its days are those of the user's time zone, which it waits for. */
export function StatsPage() {
  const timeZone = useTimeZone();
  return (
    <section className="stats-page">
      <h1>Your statistics</h1>
      {timeZone.isPending ? (
        <p className="status">Loading…</p>
      ) : timeZone.isError ? (
        <ErrorMessage error={timeZone.error} />
      ) : (
        <StatsDashboard timeZone={timeZone.data} />
      )}
    </section>
  );
}

function StatsDashboard({ timeZone }: { timeZone: string }) {
  const [params, setParams] = useSearchParams();
  const today = dayIn(timeZone);
  const period = readPeriod(params, today);
  const by = readRankBy(params);
  const bounds = periodBounds(period, today);
  const problem = periodProblem(bounds);
  const show = (next: Period, nextBy: RankBy, typing = false) =>
    setParams(
      { ...periodParams(next), ...(nextBy === 'time' ? { by: 'time' } : {}) },
      {
        replace: typing,
      },
    );
  // all time by month: the chart of "All time" and the years there is listening in
  const allMonths = useListeningTime({}, 'month', period.kind === 'all' || period.kind === 'year');
  return (
    <>
      <PeriodPicker
        period={period}
        by={by}
        today={today}
        years={yearsOf(allMonths.data?.[0]?.period, today, period.year)}
        problem={problem}
        onPeriodChange={(next, typing) => show(next, by, typing)}
        onByChange={(nextBy) => show(period, nextBy)}
      />
      {problem === null && (
        <PeriodStats
          bounds={bounds}
          step={stepFor(bounds, today)}
          by={by}
          timeZone={timeZone}
          today={today}
        />
      )}
    </>
  );
}

interface PeriodStatsProps {
  bounds: PeriodBounds;
  step: Step;
  by: RankBy;
  timeZone: string;
  /** a day of the user's time zone */
  today: string;
}

function PeriodStats({ bounds, step, by, timeZone, today }: PeriodStatsProps) {
  return (
    <>
      <ListeningOverTime bounds={bounds} step={step} by={by} timeZone={timeZone} today={today} />
      <div className="top-lists">
        <TopList kind="artists" title="Top artists" bounds={bounds} by={by} />
        <TopList kind="tracks" title="Top tracks" bounds={bounds} by={by} />
        <TopList kind="albums" title="Top albums" bounds={bounds} by={by} />
        <TopList kind="genres" title="Top genres" bounds={bounds} by={by} />
        <TopList kind="tags" title="Top tags" bounds={bounds} by={by} />
      </div>
      <WhenYouListen bounds={bounds} by={by} timeZone={timeZone} />
    </>
  );
}

function ListeningOverTime({ bounds, step, by, timeZone, today }: PeriodStatsProps) {
  const listening = useListeningTime(bounds, step);
  const headingId = useId();
  const items = wholePeriod(listening.data ?? [], bounds, step, today);
  const plays = items.reduce((sum, d) => sum + d.plays, 0);
  const ms = items.reduce((sum, d) => sum + d.msPlayed, 0);
  return (
    <section
      className="stats-card listening-over-time"
      aria-labelledby={headingId}
      aria-busy={listening.isFetching}
    >
      <h2 id={headingId}>Listening over time</h2>
      {listening.isPending ? (
        <p className="stats-muted">Loading…</p>
      ) : listening.isError ? (
        <ErrorMessage error={listening.error} />
      ) : plays === 0 && ms === 0 ? (
        <NoListening allTime={!bounds.from && !bounds.to} />
      ) : (
        <>
          <p className="period-summary">
            <strong>{formatPlays(plays)}</strong> · <strong>{formatListeningTime(ms)}</strong>
            <span className="stats-muted">
              {' '}
              {describePeriod(bounds, items[0]!.period)} · days of {timeZone}
            </span>
          </p>
          <ListeningChart
            data={items}
            step={step}
            by={by}
            title={`${by === 'plays' ? 'Plays' : 'Listening time'} per ${step}`}
          />
        </>
      )}
    </section>
  );
}

function NoListening({ allTime }: { allTime: boolean }) {
  if (!allTime) return <p className="stats-muted">No listening in this period.</p>;
  return (
    <p className="stats-muted">
      No plays yet. <Link to="/import">Import your Spotify export</Link> or{' '}
      <Link to="/spotify">connect Spotify</Link> to see your statistics.
    </p>
  );
}

function WhenYouListen({ bounds, by, timeZone }: Omit<PeriodStatsProps, 'step' | 'today'>) {
  const heatmap = useHeatmap(bounds);
  const headingId = useId();
  return (
    <section
      className="stats-card when-you-listen"
      aria-labelledby={headingId}
      aria-busy={heatmap.isFetching}
    >
      <h2 id={headingId}>When you listen</h2>
      {heatmap.isPending ? (
        <p className="stats-muted">Loading…</p>
      ) : heatmap.isError ? (
        <ErrorMessage error={heatmap.error} />
      ) : (
        <Heatmap cells={heatmap.data} by={by} timeZone={timeZone} />
      )}
    </section>
  );
}

/** The years from the first with listening to this one, newest first (and the chosen one). */
function yearsOf(firstPeriod: string | undefined, today: string, chosen?: number): number[] {
  const last = yearOf(today);
  const first = Math.min(firstPeriod ? yearOf(firstPeriod) : last, chosen ?? last);
  const years: number[] = [];
  for (let year = Math.max(last, chosen ?? last); year >= first; year--) years.push(year);
  return years;
}

/** The period in words: "1 Jan 2024 – 31 Dec 2024", "since March 2021". */
function describePeriod(bounds: PeriodBounds, firstListening: string): string {
  const day = (d: string) => formatPeriod(d, 'day', 'long');
  if (bounds.from && bounds.to) return `${day(bounds.from)} – ${day(bounds.to)}`;
  if (bounds.from) return `since ${day(bounds.from)}`;
  if (bounds.to) return `until ${day(bounds.to)}`;
  return `since ${formatPeriod(firstListening, 'month', 'long')}`;
}
