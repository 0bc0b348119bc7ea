import { describe, expect, it } from 'vitest';
import { float64Column, int32Column, uint8Column } from './number-column.js';

describe('NumberColumn', () => {
  it('keeps every value pushed, in order, past its first capacity', () => {
    const column = int32Column();
    const values = Array.from({ length: 5_000 }, (_, i) => i * 7 - 100);
    values.forEach((v) => column.push(v));
    expect(column.length).toBe(5_000);
    expect(values.map((_, i) => column.at(i))).toEqual(values);
  });

  it('holds times and unchecked durations exactly in float64', () => {
    const column = float64Column();
    const values = [Date.UTC(2026, 10, 28, 12, 0, 0, 123), 2 ** 40 + 1, -1.5];
    values.forEach((v) => column.push(v));
    expect(values.map((_, i) => column.at(i))).toEqual(values);
  });

  it('stores codes in a byte each', () => {
    const column = uint8Column();
    [0, 1, 255].forEach((v) => column.push(v));
    expect([0, 1, 2].map((i) => column.at(i))).toEqual([0, 1, 255]);
  });
});
