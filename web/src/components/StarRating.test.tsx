// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, expect, it, vi } from 'vitest';
import { ratingAfterKey, StarRating } from './StarRating';

afterEach(cleanup);

function Rated({
  initial,
  onChange,
}: {
  initial: number | null;
  onChange?: (v: number | null) => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <StarRating
      value={value}
      label="Rating of Hyperballad"
      onChange={(next) => {
        setValue(next);
        onChange?.(next);
      }}
    />
  );
}

const slider = () => screen.getByRole('slider', { name: 'Rating of Hyperballad' });
const press = (key: string) => fireEvent.keyDown(slider(), { key });

it('is a labelled slider from 0 to 5 that reads out its stars', () => {
  render(<Rated initial={3.5} />);
  expect(slider().getAttribute('aria-valuemin')).toBe('0');
  expect(slider().getAttribute('aria-valuemax')).toBe('5');
  expect(slider().getAttribute('aria-valuenow')).toBe('3.5');
  expect(slider().getAttribute('aria-valuetext')).toBe('3.5 stars');
  expect(slider().tabIndex).toBe(0);
});

it('steps by half stars with the arrows, starting from unrated', () => {
  const onChange = vi.fn<(value: number | null) => void>();
  render(<Rated initial={null} onChange={onChange} />);
  expect(slider().getAttribute('aria-valuetext')).toBe('Not rated');
  press('ArrowRight');
  expect(slider().getAttribute('aria-valuetext')).toBe('0.5 stars');
  press('ArrowUp');
  press('ArrowRight');
  expect(slider().getAttribute('aria-valuenow')).toBe('1.5');
  press('ArrowLeft');
  expect(slider().getAttribute('aria-valuetext')).toBe('1 star');
  expect(onChange.mock.calls.map(([v]) => v)).toEqual([0.5, 1, 1.5, 1]);
});

it('jumps by whole stars with Page Up/Down and digits, and stays within 0..5', () => {
  const onChange = vi.fn<(value: number | null) => void>();
  render(<Rated initial={4.5} onChange={onChange} />);
  press('PageUp');
  expect(slider().getAttribute('aria-valuenow')).toBe('5');
  press('ArrowRight'); // already at the top: no change
  press('2');
  expect(slider().getAttribute('aria-valuenow')).toBe('2');
  press('Home');
  expect(slider().getAttribute('aria-valuetext')).toBe('0 stars');
  press('ArrowDown'); // already at the bottom
  press('End');
  expect(onChange.mock.calls.map(([v]) => v)).toEqual([5, 2, 0, 5]);
});

it('clears with Delete or Backspace', () => {
  const onChange = vi.fn<(value: number | null) => void>();
  render(<Rated initial={3} onChange={onChange} />);
  press('Delete');
  expect(slider().getAttribute('aria-valuetext')).toBe('Not rated');
  press('3');
  press('Backspace');
  expect(onChange.mock.calls.map(([v]) => v)).toEqual([null, 3, null]);
});

it('leaves other keys (Tab) alone', () => {
  const onChange = vi.fn<(value: number | null) => void>();
  render(<Rated initial={3} onChange={onChange} />);
  const tab = fireEvent.keyDown(slider(), { key: 'Tab' });
  expect(tab).toBe(true); // not prevented
  expect(onChange).not.toHaveBeenCalled();
  expect(ratingAfterKey('a', 2)).toBeUndefined();
});

it('sets the half star under the pointer, and a click on the current value clears it', () => {
  const onChange = vi.fn<(value: number | null) => void>();
  render(<Rated initial={null} onChange={onChange} />);
  slider().getBoundingClientRect = () =>
    ({ left: 0, width: 100, top: 0, height: 20, right: 100, bottom: 20 }) as DOMRect;
  fireEvent.click(slider(), { clientX: 65 }); // in the left half of the fourth star
  expect(slider().getAttribute('aria-valuenow')).toBe('3.5');
  fireEvent.click(slider(), { clientX: 99 });
  expect(slider().getAttribute('aria-valuenow')).toBe('5');
  fireEvent.click(slider(), { clientX: 95 });
  expect(slider().getAttribute('aria-valuetext')).toBe('Not rated');
  expect(onChange.mock.calls.map(([v]) => v)).toEqual([3.5, 5, null]);
});

it('steps from the last value given when keys come faster than renders', () => {
  const given: (number | null)[] = [];
  // the parent never re-renders with the new value: every press must still step on
  render(<StarRating value={1} onChange={(v) => given.push(v)} label="Rating of Song" />);
  const slider = screen.getByRole('slider', { name: 'Rating of Song' });
  for (let i = 0; i < 3; i++) fireEvent.keyDown(slider, { key: 'ArrowRight' });
  expect(given).toEqual([1.5, 2, 2.5]);
});

it('keeps stepping when the values given come back late, one by one', () => {
  const given: (number | null)[] = [];
  const { rerender } = render(
    <StarRating value={1} onChange={(v) => given.push(v)} label="Rating of Song" />,
  );
  const slider = screen.getByRole('slider', { name: 'Rating of Song' });
  for (let i = 0; i < 3; i++) fireEvent.keyDown(slider, { key: 'ArrowRight' });
  // the parent catches up with the first value only now: the next press still steps from 2.5
  rerender(<StarRating value={1.5} onChange={(v) => given.push(v)} label="Rating of Song" />);
  fireEvent.keyDown(slider, { key: 'ArrowRight' });
  expect(given).toEqual([1.5, 2, 2.5, 3]);
  // a value that is not one given (a refused rating rolled back) is the value from then on
  rerender(<StarRating value={1} onChange={(v) => given.push(v)} label="Rating of Song" />);
  fireEvent.keyDown(slider, { key: 'ArrowRight' });
  expect(given.at(-1)).toBe(1.5);
});
