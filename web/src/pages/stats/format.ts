import type { Step } from '../../api/stats';

const number = new Intl.NumberFormat();

export function formatPlays(plays: number): string {
  return `${number.format(plays)} ${plays === 1 ? 'play' : 'plays'}`;
}

/** Listening time for people: "3 d 4 h", "1 h 23 min", "12 min", "45 s". */
export function formatListeningTime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 0) return `${Math.round(ms / 1000)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes} min`;
  const days = Math.floor(hours / 24);
  if (days === 0) return `${hours} h ${minutes % 60} min`;
  return `${number.format(days)} d ${hours % 24} h`;
}

/** A play's length as a player shows it: 3:25, 1:02:03. */
export function formatClock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const s = String(seconds % 60).padStart(2, '0');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${s}`;
}

/** An instant as a date and time of the user's time zone. */
export function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

/**
 * A period's first day (already a day of the user's zone, so it is formatted
 * as UTC to stay that day) for a step's axis: "5 Mar", "week of 4 Mar", "Mar 2024".
 */
export function formatPeriod(day: string, step: Step, style: 'short' | 'long' = 'short'): string {
  const date = new Date(`${day}T00:00:00Z`);
  const options: Intl.DateTimeFormatOptions =
    step === 'month'
      ? { timeZone: 'UTC', month: style === 'short' ? 'short' : 'long', year: 'numeric' }
      : {
          timeZone: 'UTC',
          day: 'numeric',
          month: 'short',
          ...(style === 'long' ? { year: 'numeric' } : {}),
        };
  const text = new Intl.DateTimeFormat(undefined, options).format(date);
  return step === 'week' && style === 'long' ? `Week of ${text}` : text;
}
