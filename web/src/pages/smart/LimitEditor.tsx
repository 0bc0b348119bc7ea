import { useId } from 'react';
import { SELECT_BY, type SelectBy, type SmartLimit } from '../../api/smart-playlists';
import type { DraftLimit, PlacedIssue } from './draft';
import { IssueList } from './IssueList';
import { SELECT_BY_WORDS } from './fields';

const NEW_LIMIT: DraftLimit = { count: 50, unit: 'tracks', selectBy: 'most_played' };

/** "Limit to [50] [tracks] selected by [most played]", or no limit. */
export function LimitEditor({
  limit,
  onChange,
  issues,
}: {
  limit: DraftLimit | null;
  onChange: (limit: DraftLimit | null) => void;
  issues: readonly PlacedIssue[];
}) {
  const issuesId = useId();
  const describedBy = issues.length > 0 ? issuesId : undefined;
  const faulty = (part: string) => issues.some((issue) => issue.part === part) || undefined;
  return (
    <fieldset className="limit">
      <legend>Limit and selection</legend>
      <label className="inline">
        <input
          type="checkbox"
          checked={limit !== null}
          onChange={(event) => onChange(event.target.checked ? NEW_LIMIT : null)}
        />
        Limit the playlist
      </label>
      {limit === null ? (
        <p className="muted">Every matching track, newest first.</p>
      ) : (
        <div className="limit-fields">
          <span aria-hidden="true">to</span>
          <input
            type="number"
            inputMode="numeric"
            aria-label="Limit"
            aria-invalid={faulty('count')}
            aria-describedby={describedBy}
            min={1}
            max={100000}
            step={1}
            value={limit.count ?? ''}
            onChange={(event) =>
              onChange({
                ...limit,
                count: event.target.value === '' ? undefined : Number(event.target.value),
              })
            }
          />
          <select
            aria-label="Limit unit"
            value={limit.unit}
            onChange={(event) =>
              onChange({ ...limit, unit: event.target.value as SmartLimit['unit'] })
            }
          >
            <option value="tracks">tracks</option>
            <option value="minutes">minutes</option>
          </select>
          <span aria-hidden="true">selected by</span>
          <select
            aria-label="Selected by"
            value={limit.selectBy}
            aria-invalid={faulty('selectBy')}
            onChange={(event) => onChange({ ...limit, selectBy: event.target.value as SelectBy })}
          >
            {SELECT_BY.map((selectBy) => (
              <option key={selectBy} value={selectBy}>
                {SELECT_BY_WORDS[selectBy]}
              </option>
            ))}
          </select>
        </div>
      )}
      <IssueList id={issuesId} issues={issues} />
    </fieldset>
  );
}
