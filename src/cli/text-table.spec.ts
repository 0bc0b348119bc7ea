import { describe, expect, it } from 'vitest';
import { formatBytes, formatTable } from './text-table.js';

describe('formatTable', () => {
  it('pads each column to its widest cell, numbers to the right', () => {
    const text = formatTable(
      [{ title: 'table' }, { title: 'rows', align: 'right' }, { title: 'note' }],
      [
        ['user_track', '12', ''],
        ['tag', '1500', 'small'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'table       rows  note',
      'user_track    12',
      'tag         1500  small',
    ]);
  });
});

describe('formatBytes', () => {
  it('reads as pg_size_pretty does, in powers of 1024', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(2_260_992)).toBe('2.2 MB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TB');
  });
});
