// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { ErrorMessage } from './ErrorMessage';

afterEach(cleanup);

it('shows the error where it happened, and nothing without one', () => {
  const { container, rerender } = render(<ErrorMessage error={null} />);
  expect(container.innerHTML).toBe('');
  rerender(<ErrorMessage error={new Error('rating must be 0 to 5 in half steps')} />);
  expect(screen.getByRole('alert').textContent).toBe('rating must be 0 to 5 in half steps');
});
