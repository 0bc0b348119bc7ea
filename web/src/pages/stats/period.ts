import type { PeriodBounds, PeriodTotal, RankBy, Step } from '../../api/stats';

export type PeriodKind = '7d' | '30d' | 'this-year' | 'year' | 'all' | 'custom';

/** The dashboard's period, as its URL keeps it (?period=year&year=2023, ?period=custom&from&to). */
export interface Period {
  kind: PeriodKind;
  /** `year`: which */
  year?: number;
  /** `custom`: days, either end open */
  from?: string;
  to?: string;
}

export const PERIOD_LABELS: Record<PeriodKind, string> = {
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  'this-year': 'This year',
  year: 'A year…',
  all: 'All time',
  custom: 'Custom…',
};

/** Imported histories are mostly older than a month: all time shows something on a first visit. */
export const DEFAULT_PERIOD: Period = { kind: 'all' };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isKind = (value: string | null): value is PeriodKind =>
  value !== null && value in PERIOD_LABELS;

/** The period of a URL; anything unreadable falls back to the default. */
export function readPeriod(params: URLSearchParams, today: string): Period {
  const kind = params.get('period');
  if (!isKind(kind)) return DEFAULT_PERIOD;
  if (kind === 'year') {
    const year = Number(params.get('year'));
    return { kind, year: Number.isInteger(year) && year > 1900 ? year : yearOf(today) };
  }
  if (kind === 'custom') {
    const day = (name: string) => {
      const value = params.get(name);
      return value && DAY.test(value) ? value : undefined;
    };
    return { kind, from: day('from'), to: day('to') };
  }
  return { kind };
}

/** The URL parameters of a period (the default has none). */
export function periodParams(period: Period): Record<string, string> {
  if (period.kind === DEFAULT_PERIOD.kind) return {};
  const params: Record<string, string> = { period: period.kind };
  if (period.kind === 'year' && period.year) params.year = String(period.year);
  if (period.kind === 'custom') {
    if (period.from) params.from = period.from;
    if (period.to) params.to = period.to;
  }
  return params;
}

export function readRankBy(params: URLSearchParams): RankBy {
  return params.get('by') === 'time' ? 'time' : 'plays';
}

/** The days the API is asked for; `today` is a day of the user's time zone. */
export function periodBounds(period: Period, today: string): PeriodBounds {
  switch (period.kind) {
    case '7d':
      return { from: addDays(today, -6), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case 'this-year':
      return { from: `${yearOf(today)}-01-01`, to: today };
    case 'year': {
      const year = period.year ?? yearOf(today);
      return { from: `${year}-01-01`, to: `${year}-12-31` };
    }
    case 'all':
      return {};
    case 'custom':
      return { from: period.from, to: period.to };
  }
}

/** Why a period cannot be asked for, or null. */
export function periodProblem(bounds: PeriodBounds): string | null {
  if (bounds.from && bounds.to && bounds.from > bounds.to) return 'From must not be after To.';
  return null;
}

/** Days for up to two months, weeks for up to two years, months beyond: a readable number of bars. */
export function stepFor(bounds: PeriodBounds, today: string): Step {
  if (!bounds.from) return 'month';
  const days = daysBetween(bounds.from, bounds.to ?? today) + 1;
  if (days <= 62) return 'day';
  if (days <= 731) return 'week';
  return 'month';
}

/** The day (YYYY-MM-DD) an instant falls on in a time zone; today by default. */
export function dayIn(timeZone: string, at = new Date()): string {
  return dayFormatter(timeZone)(at);
}

/** dayIn for many instants: one formatter, as creating one is slow. */
export function dayFormatter(timeZone: string): (at: Date) => string {
  // en-CA writes dates as YYYY-MM-DD
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return (at) => format.format(at);
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}

/** The first day of the step a day is in: the day, its week's Monday, or its month's 1st. */
export function startOfStep(day: string, step: Step): string {
  if (step === 'day') return day;
  if (step === 'month') return `${day.slice(0, 7)}-01`;
  const daysSinceMonday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -daysSinceMonday);
}

function nextStep(day: string, step: Step): string {
  if (step === 'day') return addDays(day, 1);
  if (step === 'week') return addDays(day, 7);
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * Every step of a bounded period up to today, the silent ones at zero: the API
 * answers from the first to the last step with listening, which would make
 * "Last 7 days" one bar wide after a single day of listening.
 */
export function wholePeriod(
  items: PeriodTotal[],
  bounds: PeriodBounds,
  step: Step,
  today: string,
): PeriodTotal[] {
  if (!bounds.from) return items;
  const byPeriod = new Map(items.map((item) => [item.period, item]));
  const last = startOfStep(bounds.to && bounds.to < today ? bounds.to : today, step);
  const filled: PeriodTotal[] = [];
  for (let period = startOfStep(bounds.from, step); period <= last; period = nextStep(period, step))
    filled.push(byPeriod.get(period) ?? { period, plays: 0, msPlayed: 0 });
  return filled;
}
