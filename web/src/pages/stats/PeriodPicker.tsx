import { useId, type ReactNode } from 'react';
import type { RankBy } from '../../api/stats';
import { PERIOD_LABELS, yearOf, type Period, type PeriodKind } from './period';

interface PeriodPickerProps {
  period: Period;
  by: RankBy;
  today: string;
  /** the years offered for "A year…", newest first */
  years: number[];
  /** why the chosen period cannot be shown, if it cannot */
  problem: string | null;
  /** `typing`: a custom day being edited, not worth a history entry */
  onPeriodChange: (period: Period, typing?: boolean) => void;
  onByChange: (by: RankBy) => void;
}

/** Which period the dashboard shows and whether it ranks by plays or by listening time. */
export function PeriodPicker(props: PeriodPickerProps) {
  const { period, by, today, years, problem, onPeriodChange, onByChange } = props;
  const choose = (kind: PeriodKind) => {
    if (kind === 'year') onPeriodChange({ kind, year: period.year ?? years[0] ?? yearOf(today) });
    else if (kind === 'custom') onPeriodChange({ kind, from: period.from, to: period.to });
    else onPeriodChange({ kind });
  };
  return (
    <form className="period-picker" onSubmit={(e) => e.preventDefault()}>
      <Field label="Period">
        {(id) => (
          <select
            id={id}
            value={period.kind}
            onChange={(e) => choose(e.target.value as PeriodKind)}
          >
            {Object.entries(PERIOD_LABELS).map(([kind, label]) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {period.kind === 'year' && (
        <Field label="Year">
          {(id) => (
            <select
              id={id}
              value={period.year}
              onChange={(e) => onPeriodChange({ kind: 'year', year: Number(e.target.value) })}
            >
              {years.map((year) => (
                <option key={year} value={year}>
                  {year}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {period.kind === 'custom' && (
        <>
          <Field label="From">
            {(id) => (
              <input
                id={id}
                type="date"
                value={period.from ?? ''}
                max={today}
                aria-invalid={problem !== null}
                onChange={(e) =>
                  onPeriodChange({ ...period, from: e.target.value || undefined }, true)
                }
              />
            )}
          </Field>
          <Field label="To">
            {(id) => (
              <input
                id={id}
                type="date"
                value={period.to ?? ''}
                aria-invalid={problem !== null}
                onChange={(e) =>
                  onPeriodChange({ ...period, to: e.target.value || undefined }, true)
                }
              />
            )}
          </Field>
        </>
      )}
      <fieldset className="rank-by">
        <legend>Rank by</legend>
        {(['plays', 'time'] as const).map((option) => (
          <label key={option}>
            <input
              type="radio"
              name="rank-by"
              value={option}
              checked={by === option}
              onChange={() => onByChange(option)}
            />
            {option === 'plays' ? 'Plays' : 'Listening time'}
          </label>
        ))}
      </fieldset>
      {problem && (
        <p className="error period-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/**
 * A label beside its control rather than around it: a label around a select
 * would take the option texts into the control's accessible name.
 */
function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="period-field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
