import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CursorCodec, InvalidCursorError, canonicalJson } from './cursor-codec.js';

const position = z.tuple([z.iso.datetime(), z.number().int()]);
const binding = { query: 'tracks', sort: 'added', order: 'desc', filters: { tag: [3] } };
const codec = new CursorCodec(Buffer.alloc(32, 7));

describe('CursorCodec', () => {
  it('gives back the position it encoded', () => {
    const cursor = codec.encode(binding, ['2024-05-01T10:00:00.000Z', 42]);
    expect(codec.decode(cursor, binding, position)).toEqual(['2024-05-01T10:00:00.000Z', 42]);
  });

  it('is opaque: URL-safe text that shows no column names', () => {
    const cursor = codec.encode(binding, ['2024-05-01T10:00:00.000Z', 42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('added');
  });

  it('does not care about the order of keys in the binding', () => {
    const cursor = codec.encode(binding, ['2024-05-01T10:00:00.000Z', 1]);
    const reordered = { filters: { tag: [3] }, order: 'desc', sort: 'added', query: 'tracks' };
    expect(codec.decode(cursor, reordered, position)).toEqual(['2024-05-01T10:00:00.000Z', 1]);
  });

  const cursor = codec.encode(binding, ['2024-05-01T10:00:00.000Z', 42]);
  const [payload, mac] = cursor.split('.') as [string, string];
  const forged = Buffer.from(
    JSON.stringify({
      ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
      p: ['2030-01-01T00:00:00.000Z', 1],
    }),
  ).toString('base64url');

  it.each([
    ['garbage', 'not-a-cursor', /malformed/],
    ['an empty MAC', `${payload}.`, /malformed/],
    ['three parts', `${cursor}.x`, /malformed/],
    ['an altered position', `${forged}.${mac}`, /altered/],
    [
      'a MAC from another key',
      new CursorCodec(Buffer.alloc(32, 8)).encode(binding, ['2024-05-01T10:00:00.000Z', 42]),
      /altered/,
    ],
  ])('refuses %s', (_name, bad, reason) => {
    expect(() => codec.decode(bad, binding, position)).toThrow(InvalidCursorError);
    expect(() => codec.decode(bad, binding, position)).toThrow(reason);
  });

  it.each([
    ['another sort', { ...binding, sort: 'plays' }],
    ['another direction', { ...binding, order: 'asc' }],
    ['another filter', { ...binding, filters: { tag: [4] } }],
    ['another query', { ...binding, query: 'playlist:7' }],
  ])('refuses a cursor reused with %s', (_name, other) => {
    expect(() => codec.decode(cursor, other, position)).toThrow(/another sort or filter/);
  });

  it('refuses a genuine cursor whose position has another shape', () => {
    const odd = codec.encode(binding, { not: 'a tuple' });
    expect(() => codec.decode(odd, binding, position)).toThrow(/unexpected position/);
  });

  it('answers 400 invalid_cursor through the API error shape', () => {
    const error = new InvalidCursorError('malformed');
    expect(error.getStatus()).toBe(400);
    expect(error.body).toEqual({ error: 'invalid_cursor', message: 'Invalid cursor: malformed' });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
  });
});
