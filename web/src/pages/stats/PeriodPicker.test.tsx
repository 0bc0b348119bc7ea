// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodPicker } from './PeriodPicker';
import {
  dayIn,
  periodBounds,
  periodParams,
  periodProblem,
  readPeriod,
  stepFor,
  wholePeriod,
  type Period,
} from './period';

afterEach(cleanup);

const TODAY = '2024-03-06'; // a Wednesday

describe('periods', () => {
  it.each<[Period, { from?: string; to?: string }]>([
    [{ kind: '7d' }, { from: '2024-02-29', to: TODAY }],
    [{ kind: '30d' }, { from: '2024-02-06', to: TODAY }],
    [{ kind: 'this-year' }, { from: '2024-01-01', to: TODAY }],
    [
      { kind: 'year', year: 2022 },
      { from: '2022-01-01', to: '2022-12-31' },
    ],
    [{ kind: 'all' }, {}],
    [
      { kind: 'custom', from: '2023-05-01' },
      { from: '2023-05-01', to: undefined },
    ],
  ])('%j asks the API for %j', (period, bounds) => {
    expect(periodBounds(period, TODAY)).toEqual(bounds);
  });

  it('round-trips through the URL, and falls back to all time on nonsense', () => {
    for (const period of [
      { kind: '7d' },
      { kind: 'year', year: 2021 },
      { kind: 'custom', from: '2024-01-01', to: '2024-01-31' },
      { kind: 'all' },
    ] satisfies Period[]) {
      expect(readPeriod(new URLSearchParams(periodParams(period)), TODAY)).toEqual(period);
    }
    expect(readPeriod(new URLSearchParams('period=fortnight'), TODAY)).toEqual({ kind: 'all' });
    expect(readPeriod(new URLSearchParams('period=custom&from=yesterday'), TODAY)).toEqual({
      kind: 'custom',
      from: undefined,
      to: undefined,
    });
  });

  it('picks days, weeks or months for a readable number of bars', () => {
    expect(stepFor({ from: '2024-02-06', to: TODAY }, TODAY)).toBe('day');
    expect(stepFor({ from: '2023-01-01', to: '2023-12-31' }, TODAY)).toBe('week');
    expect(stepFor({ from: '2020-01-01' }, TODAY)).toBe('month');
    expect(stepFor({}, TODAY)).toBe('month');
  });

  it('refuses a period that ends before it starts', () => {
    expect(periodProblem({ from: '2024-02-01', to: '2024-01-31' })).toMatch(/must not be after/);
    expect(periodProblem({ from: '2024-02-01', to: '2024-02-01' })).toBeNull();
  });

  it('shows every step of a bounded period, the silent ones at zero', () => {
    const monday = { period: '2024-02-26', plays: 3, msPlayed: 600_000 };
    expect(
      wholePeriod([monday], { from: '2024-02-29', to: TODAY }, 'week', TODAY).map((p) => [
        p.period,
        p.plays,
      ]),
    ).toEqual([
      ['2024-02-26', 3],
      ['2024-03-04', 0],
    ]);
    expect(wholePeriod([], { from: '2024-02-29', to: TODAY }, 'day', TODAY)).toHaveLength(7);
    expect(wholePeriod([monday], {}, 'month', TODAY)).toEqual([monday]);
  });

  it("knows the day of an instant in the user's time zone", () => {
    const at = new Date('2024-01-31T18:40:00Z');
    expect(dayIn('Asia/Kolkata', at)).toBe('2024-02-01');
    expect(dayIn('America/New_York', at)).toBe('2024-01-31');
  });
});

describe('the period picker', () => {
  const renderPicker = (period: Period) => {
    const onPeriodChange = vi.fn();
    const onByChange = vi.fn();
    render(
      <PeriodPicker
        period={period}
        by="plays"
        today={TODAY}
        years={[2024, 2023]}
        problem={periodProblem(periodBounds(period, TODAY))}
        onPeriodChange={onPeriodChange}
        onByChange={onByChange}
      />,
    );
    return { onPeriodChange, onByChange };
  };

  it('offers the periods by label and reports a choice', () => {
    const { onPeriodChange, onByChange } = renderPicker({ kind: 'all' });
    fireEvent.change(screen.getByLabelText('Period'), { target: { value: 'year' } });
    expect(onPeriodChange).toHaveBeenCalledWith({ kind: 'year', year: 2024 });
    fireEvent.click(screen.getByRole('radio', { name: 'Listening time' }));
    expect(onByChange).toHaveBeenCalledWith('time');
  });

  it('shows the custom days, and says at them when they are the wrong way round', () => {
    const { onPeriodChange } = renderPicker({
      kind: 'custom',
      from: '2024-03-01',
      to: '2024-02-01',
    });
    expect(screen.getByRole('alert').textContent).toBe('From must not be after To.');
    expect(screen.getByLabelText('From').getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2024-03-05' } });
    expect(onPeriodChange).toHaveBeenCalledWith(
      { kind: 'custom', from: '2024-03-01', to: '2024-03-05' },
      true,
    );
  });
});
