import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import './StarRating.css';

const MAX = 5;
const STEP = 0.5;

interface StarRatingProps {
  /** stars, 0..5 in halves; null when unrated */
  value: number | null;
  onChange: (value: number | null) => void;
  /** what is rated, e.g. "Rating of Hyperballad" */
  label: string;
}

const clamp = (value: number) => Math.min(MAX, Math.max(0, value));

/** What a key does to the rating: a new value, null to clear, undefined when the key is not ours. */
export function ratingAfterKey(key: string, value: number | null): number | null | undefined {
  const current = value ?? 0;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(value === null ? STEP : current + STEP);
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(current - STEP);
    case 'PageUp':
      return clamp(current + 1);
    case 'PageDown':
      return clamp(current - 1);
    case 'Home':
      return 0;
    case 'End':
      return MAX;
    case 'Delete':
    case 'Backspace':
      return null;
    default:
      return /^[0-5]$/.test(key) ? Number(key) : undefined;
  }
}

export function describeRating(value: number | null): string {
  if (value === null) return 'Not rated';
  return `${value} ${value === 1 ? 'star' : 'stars'}`;
}

/** The half-star value under the pointer: the left half of a star is its half. */
function ratingAtPointer(event: MouseEvent<HTMLElement>): number {
  const box = event.currentTarget.getBoundingClientRect();
  const fraction = box.width > 0 ? (event.clientX - box.left) / box.width : 0;
  return clamp(Math.ceil(fraction * MAX * 2) / 2) || STEP;
}

/**
 * Half-star rating as a slider: arrows step by half a star, Page Up/Down by
 * a star, digits set whole stars, Delete or Backspace clear it. A click sets
 * the half star under the pointer; clicking the current value clears it.
 */
export function StarRating({ value, onChange, label }: StarRatingProps) {
  const [preview, setPreview] = useState<number | null>(null);
  const shown = preview ?? value ?? 0;
  // Keys can come faster than the new value renders (a held arrow key): each
  // press steps from the last value given, not from a value not drawn yet.
  // Values come back in the order given (or some skipped): one of ours moves
  // nothing; any other (a rollback, another tab) is the value from then on.
  const latest = useRef(value);
  const given = useRef<(number | null)[]>([]);
  useEffect(() => {
    const ours = given.current.indexOf(value);
    if (ours >= 0) given.current.splice(0, ours + 1);
    else {
      given.current = [];
      latest.current = value;
    }
  }, [value]);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const next = ratingAfterKey(event.key, latest.current);
    if (next === undefined) return;
    event.preventDefault();
    if (next === latest.current) return;
    latest.current = next;
    given.current.push(next);
    onChange(next);
  };

  const onClick = (event: MouseEvent<HTMLElement>) => {
    const next = ratingAtPointer(event);
    onChange(next === value ? null : next);
  };

  return (
    <span
      className={`star-rating${value === null ? ' unrated' : ''}`}
      role="slider"
      tabIndex={0}
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={MAX}
      aria-valuenow={value ?? 0}
      aria-valuetext={describeRating(value)}
      title={describeRating(preview ?? value)}
      onKeyDown={onKeyDown}
      onClick={onClick}
      onMouseMove={(event) => setPreview(ratingAtPointer(event))}
      onMouseLeave={() => setPreview(null)}
    >
      <span className="stars-empty" aria-hidden="true">
        ★★★★★
      </span>
      <span
        className="stars-filled"
        aria-hidden="true"
        style={{ width: `${(shown / MAX) * 100}%` }}
      >
        ★★★★★
      </span>
    </span>
  );
}
