import type { HeatmapCell, RankBy } from '../../api/stats';
import { formatListeningTime, formatPlays } from './format';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

interface HeatmapProps {
  cells: HeatmapCell[];
  by: RankBy;
  timeZone: string;
}

/**
 * Hour × weekday as a table: every cell names its hour and day (headers) and
 * its figure (hidden text and a title); the colour only repeats it.
 */
export function Heatmap({ cells, by, timeZone }: HeatmapProps) {
  const value = (cell: HeatmapCell) => (by === 'plays' ? cell.plays : cell.msPlayed);
  const grid = new Map(cells.map((cell) => [`${cell.weekday}:${cell.hour}`, cell]));
  const max = Math.max(0, ...cells.map(value));
  return (
    <div className="heatmap-wrap">
      <table className="heatmap">
        <caption>
          {by === 'plays' ? 'Plays' : 'Listening time'} by weekday and hour ({timeZone})
        </caption>
        <thead>
          <tr>
            <td />
            {HOURS.map((hour) => (
              <th key={hour} scope="col">
                <span aria-hidden="true">{hour % 3 === 0 ? hour : ''}</span>
                <span className="stats-sr-only">{hourLabel(hour)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, index) => (
            <tr key={day}>
              <th scope="row">
                <abbr title={day}>{day.slice(0, 3)}</abbr>
              </th>
              {HOURS.map((hour) => {
                const cell = grid.get(`${index + 1}:${hour}`);
                const figure = cell
                  ? `${formatPlays(cell.plays)}, ${formatListeningTime(cell.msPlayed)}`
                  : 'no listening';
                const share = cell && max > 0 ? value(cell) / max : 0;
                return (
                  <td
                    key={hour}
                    title={`${day} ${hourLabel(hour)}–${hourLabel((hour + 1) % 24)}: ${figure}`}
                    style={{ background: shade(share) }}
                  >
                    <span className="stats-sr-only">{figure}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="heatmap-legend" aria-hidden="true">
        Less
        {[0, 0.25, 0.5, 0.75, 1].map((share) => (
          <span key={share} style={{ background: shade(share) }} />
        ))}
        More
      </p>
    </div>
  );
}

const hourLabel = (hour: number) => `${String(hour).padStart(2, '0')}:00`;

/** The accent mixed into the panel colour; any listening at all is visibly not empty. */
function shade(share: number): string {
  if (share <= 0) return '#262626';
  return `color-mix(in srgb, #1db954 ${Math.round(15 + 85 * share)}%, #262626)`;
}
