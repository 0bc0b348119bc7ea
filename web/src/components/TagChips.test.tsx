// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, expect, it, vi } from 'vitest';
import { TagChips } from './TagChips';

afterEach(cleanup);

const tags = [
  { id: 1, name: 'chill', color: '#336699' },
  { id: 2, name: 'running', color: null },
];

it('lists the tags of what carries them, and nothing without tags', () => {
  const { container, rerender } = render(<TagChips tags={[]} owner="Hyperballad" />);
  expect(container.innerHTML).toBe('');
  rerender(<TagChips tags={tags} owner="Hyperballad" />);
  const list = screen.getByRole('list', { name: 'Tags of Hyperballad' });
  expect([...list.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
    'chill',
    'running',
  ]);
  expect(screen.queryByRole('button')).toBeNull();
});

it('removes a tag with its labelled button', () => {
  const onRemove = vi.fn();
  render(<TagChips tags={tags} owner="Hyperballad" onRemove={onRemove} />);
  fireEvent.click(screen.getByRole('button', { name: 'Remove tag running from Hyperballad' }));
  expect(onRemove).toHaveBeenCalledWith(tags[1]);
});
