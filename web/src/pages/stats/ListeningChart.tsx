import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { PeriodTotal, RankBy, Step } from '../../api/stats';
import { formatListeningTime, formatPeriod, formatPlays } from './format';

const ACCENT = '#1db954';
const MUTED = '#a7a7a7';

interface ListeningChartProps {
  data: PeriodTotal[];
  step: Step;
  by: RankBy;
  /** the chart's accessible name */
  title: string;
  height?: number;
}

/**
 * Plays (or hours) per day, week or month as bars, with the same figures in a
 * table under a disclosure for those who do not read charts.
 */
export function ListeningChart({ data, step, by, title, height = 240 }: ListeningChartProps) {
  const inHours = data.some((d) => d.msPlayed >= 2 * 3_600_000);
  const rows = data.map((d) => ({
    ...d,
    value: by === 'plays' ? d.plays : d.msPlayed / (inHours ? 3_600_000 : 60_000),
  }));
  const unit = by === 'plays' ? 'plays' : inHours ? 'hours' : 'minutes';
  const animate = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  return (
    <figure className="listening-chart">
      {/* a fixed height: recharts warns about a container of no size */}
      <BarChart
        responsive
        style={{ width: '100%', height }}
        data={rows}
        margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        title={title}
        desc={`${unit} per ${step}`}
      >
        <CartesianGrid vertical={false} stroke="#333" />
        <XAxis
          dataKey="period"
          tickFormatter={(day: string) => formatPeriod(day, step)}
          tick={{ fill: MUTED, fontSize: 12 }}
          minTickGap={16}
        />
        <YAxis
          allowDecimals={by === 'time'}
          tick={{ fill: MUTED, fontSize: 12 }}
          width={44}
          label={{
            value: unit,
            angle: -90,
            position: 'insideLeft',
            fill: MUTED,
            fontSize: 12,
          }}
        />
        <Tooltip
          cursor={{ fill: 'rgba(255,255,255,0.06)' }}
          content={({ active, payload }) => (
            <PeriodTooltip
              active={active}
              row={payload?.[0]?.payload as PeriodTotal | undefined}
              step={step}
            />
          )}
        />
        <Bar
          dataKey="value"
          name={unit}
          fill={ACCENT}
          radius={[3, 3, 0, 0]}
          maxBarSize={56}
          isAnimationActive={animate}
          animationDuration={300}
        />
      </BarChart>
      <details className="chart-table">
        <summary>Show as a table</summary>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{step === 'day' ? 'Day' : step === 'week' ? 'Week' : 'Month'}</th>
              <th scope="col">Plays</th>
              <th scope="col">Listening time</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.period}>
                <th scope="row">{formatPeriod(d.period, step, 'long')}</th>
                <td>{d.plays}</td>
                <td>{formatListeningTime(d.msPlayed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function PeriodTooltip({
  active,
  row,
  step,
}: {
  active: boolean | undefined;
  row: PeriodTotal | undefined;
  step: Step;
}) {
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip">
      <strong>{formatPeriod(row.period, step, 'long')}</strong>
      <div>{formatPlays(row.plays)}</div>
      <div>{formatListeningTime(row.msPlayed)}</div>
    </div>
  );
}

/** Every month from the first to the last listed, the silent ones at zero (the API lists only months with listening). */
export function withSilentMonths(months: PeriodTotal[]): PeriodTotal[] {
  const first = months[0];
  const last = months.at(-1);
  if (!first || !last) return [];
  const byMonth = new Map(months.map((m) => [m.period, m]));
  const filled: PeriodTotal[] = [];
  const cursor = new Date(`${first.period}T00:00:00Z`);
  for (;;) {
    const period = cursor.toISOString().slice(0, 10);
    filled.push(byMonth.get(period) ?? { period, plays: 0, msPlayed: 0 });
    if (period >= last.period) return filled;
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
}
