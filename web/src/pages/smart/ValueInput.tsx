import { useId, useState } from 'react';
import {
  FIELDS,
  PERIOD_MAX,
  PERIOD_UNITS,
  type PeriodUnit,
  type PlaylistRef,
  type RuleField,
} from '../../api/smart-playlists';
import type { DraftCondition, DraftScalar, DraftValue } from './draft';
import { formatDuration } from './duration';
import { DurationInput } from './DurationInput';
import { FIELD_UI, PERIOD_WORDS, shapeOf } from './fields';
import { useRuleOptions } from './rule-options';

interface A11y {
  invalid: boolean;
  describedBy: string | undefined;
}

/** The value part of a rule, shaped by its operator and entered the way its field needs. */
export function ValueInput({
  rule,
  name,
  onChange,
  ...a11y
}: A11y & { rule: DraftCondition; name: string; onChange: (value: DraftValue) => void }) {
  const { field, value } = rule;
  switch (shapeOf(rule.operator)) {
    case 'none':
      return null;
    case 'period':
      return (
        <PeriodInput
          name={name}
          value={value as { amount: number | undefined; unit: PeriodUnit }}
          onChange={onChange}
          {...a11y}
        />
      );
    case 'range': {
      const [from, to] = Array.isArray(value) ? value : [undefined, undefined];
      return (
        <span className="value-range">
          <SingleInput
            field={field}
            label={`${name} from`}
            value={from}
            onChange={(next) => onChange([next, to])}
            {...a11y}
          />
          <span aria-hidden="true">and</span>
          <SingleInput
            field={field}
            label={`${name} to`}
            value={to}
            onChange={(next) => onChange([from, next])}
            {...a11y}
          />
        </span>
      );
    }
    case 'list':
      return (
        <ListInput
          field={field}
          name={name}
          values={Array.isArray(value) ? value : []}
          onChange={onChange}
          {...a11y}
        />
      );
    case 'single':
      return (
        <SingleInput
          field={field}
          label={`${name} value`}
          value={value as DraftScalar}
          onChange={onChange}
          {...a11y}
        />
      );
  }
}

const HALF_STARS = Array.from({ length: 11 }, (_, i) => i / 2);

/** 4.5 → "4½ stars" */
export function starsLabel(stars: number): string {
  const whole = Math.floor(stars);
  const text = `${whole === 0 && stars % 1 ? '' : whole}${stars % 1 ? '½' : ''}`;
  return `${text} ${stars === 1 ? 'star' : 'stars'}`;
}

const playlistKey = (ref: PlaylistRef) =>
  'playlistId' in ref ? `playlist:${ref.playlistId}` : `smart:${ref.smartPlaylistId}`;

function fromPlaylistKey(key: string): PlaylistRef | undefined {
  const [kind, id] = key.split(':');
  if (!id) return undefined;
  return kind === 'smart' ? { smartPlaylistId: Number(id) } : { playlistId: Number(id) };
}

/** One value of a field: stars, a count, a duration, a day, text, a tag, a genre, a playlist. */
function SingleInput({
  field,
  label,
  value,
  onChange,
  invalid,
  describedBy,
}: A11y & {
  field: RuleField;
  label: string;
  value: DraftScalar;
  onChange: (value: DraftScalar) => void;
}) {
  const options = useRuleOptions();
  const listId = useId();
  const common = {
    'aria-label': label,
    'aria-invalid': invalid || undefined,
    'aria-describedby': describedBy,
    className: 'rule-value',
  };
  const kind = FIELD_UI[field].kind;
  switch (kind) {
    case 'stars':
      return (
        <select
          {...common}
          value={typeof value === 'number' ? String(value) : ''}
          onChange={(event) => onChange(Number(event.target.value))}
        >
          {typeof value !== 'number' && <option value="">Choose…</option>}
          {HALF_STARS.map((stars) => (
            <option key={stars} value={String(stars)}>
              {starsLabel(stars)}
            </option>
          ))}
        </select>
      );
    case 'count':
      return (
        <input
          {...common}
          type="number"
          inputMode="numeric"
          min={FIELDS[field].min}
          step={1}
          value={typeof value === 'number' && !Number.isNaN(value) ? value : ''}
          onChange={(event) =>
            onChange(event.target.value === '' ? undefined : Number(event.target.value))
          }
        />
      );
    case 'duration':
      return (
        <DurationInput
          {...common}
          value={typeof value === 'number' ? value : undefined}
          onChange={onChange}
        />
      );
    case 'date':
      return (
        <input
          {...common}
          type="date"
          min="1900-01-01"
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => onChange(event.target.value || undefined)}
        />
      );
    case 'text':
    case 'tag':
    case 'genre': {
      const suggestions = kind === 'tag' ? options.tags : kind === 'genre' ? options.genres : [];
      return (
        <>
          <input
            {...common}
            type="text"
            maxLength={200}
            list={suggestions.length > 0 ? listId : undefined}
            placeholder={kind === 'text' ? 'text' : `a ${kind}`}
            value={typeof value === 'string' ? value : ''}
            onChange={(event) => onChange(event.target.value)}
          />
          {suggestions.length > 0 && (
            <datalist id={listId}>
              {suggestions.map((suggestion) => (
                <option key={suggestion} value={suggestion} />
              ))}
            </datalist>
          )}
        </>
      );
    }
    case 'boolean':
      return (
        <select
          {...common}
          value={value === false ? 'false' : 'true'}
          onChange={(event) => onChange(event.target.value === 'true')}
        >
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      );
    case 'playlist':
      return (
        <select
          {...common}
          value={value && typeof value === 'object' ? playlistKey(value) : ''}
          onChange={(event) => onChange(fromPlaylistKey(event.target.value))}
        >
          <option value="">Choose a playlist…</option>
          {options.playlists.length > 0 && (
            <optgroup label="Playlists">
              {options.playlists.map((p) => (
                <option key={p.id} value={`playlist:${p.id}`}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          )}
          {options.smartPlaylists.length > 0 && (
            <optgroup label="Smart playlists">
              {options.smartPlaylists.map((p) => (
                <option key={p.id} value={`smart:${p.id}`}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      );
  }
}

/** "in the last [30] [days]" */
function PeriodInput({
  name,
  value,
  onChange,
  invalid,
  describedBy,
}: A11y & {
  name: string;
  value: { amount: number | undefined; unit: PeriodUnit };
  onChange: (value: DraftValue) => void;
}) {
  return (
    <span className="value-period">
      <input
        type="number"
        inputMode="numeric"
        className="rule-value period-amount"
        aria-label={`${name} amount`}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        min={1}
        max={PERIOD_MAX[value.unit]}
        step={1}
        value={value.amount ?? ''}
        onChange={(event) =>
          onChange({
            ...value,
            amount: event.target.value === '' ? undefined : Number(event.target.value),
          })
        }
      />
      <select
        aria-label={`${name} unit`}
        value={value.unit}
        onChange={(event) => onChange({ ...value, unit: event.target.value as PeriodUnit })}
      >
        {PERIOD_UNITS.map((unit) => (
          <option key={unit} value={unit}>
            {PERIOD_WORDS[unit]}
          </option>
        ))}
      </select>
    </span>
  );
}

/** A list's value as its chip reads; lists hold numbers, days and text (never playlists). */
function describe(field: RuleField, value: DraftScalar): string {
  if (typeof value === 'number' && FIELD_UI[field].kind === 'stars') return starsLabel(value);
  if (typeof value === 'number' && FIELD_UI[field].kind === 'duration')
    return formatDuration(value);
  return typeof value === 'object' || value === undefined ? '' : String(value);
}

/** "is one of": the chosen values as removable chips, and one input to add the next. */
function ListInput({
  field,
  name,
  values,
  onChange,
  ...a11y
}: A11y & {
  field: RuleField;
  name: string;
  values: DraftScalar[];
  onChange: (value: DraftValue) => void;
}) {
  const [pending, setPending] = useState<DraftScalar>(() => FIELD_UI[field].value());
  const canAdd = pending !== undefined && !(typeof pending === 'string' && pending.trim() === '');
  const add = () => {
    if (!canAdd || values.includes(pending)) return;
    onChange([...values, pending]);
    setPending(FIELD_UI[field].kind === 'stars' ? pending : FIELD_UI[field].value());
  };
  return (
    <span className="value-list">
      {values.length > 0 && (
        <ul className="chips" aria-label={`${name} values`}>
          {values.map((value, i) => (
            <li key={`${describe(field, value)}-${i}`} className="chip">
              {describe(field, value)}
              <button
                type="button"
                className="link"
                aria-label={`Remove ${describe(field, value)} from ${name.toLowerCase()}`}
                onClick={() => onChange(values.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <span
        className="value-list-add"
        onKeyDown={(event) => {
          if (event.key === 'Enter' && event.target instanceof HTMLInputElement) {
            // Enter adds the value here rather than submitting the whole form
            event.preventDefault();
            add();
          }
        }}
      >
        <SingleInput
          field={field}
          label={`${name} value`}
          value={pending}
          onChange={setPending}
          {...a11y}
        />
        <button type="button" onClick={add} disabled={!canAdd}>
          Add<span className="smart-visually-hidden"> to {name.toLowerCase()}</span>
        </button>
      </span>
    </span>
  );
}
