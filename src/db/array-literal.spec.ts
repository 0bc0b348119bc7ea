import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booleanArray, numberArray, textArray } from './array-literal.js';

describe('array literals', () => {
  let pg: PGlite;
  beforeAll(async () => {
    pg = await PGlite.create();
  });
  afterAll(() => pg.close());

  const roundTrip = async (literal: string, type: string) =>
    (await pg.query<{ v: unknown }>(`SELECT $1::${type} AS v`, [literal])).rows[0]!.v;

  it('reads back numbers, booleans and awkward text as sent', async () => {
    expect(await roundTrip(numberArray([1, -2, 1_700_000_000_123]), 'bigint[]')).toEqual([
      1, -2, 1_700_000_000_123,
    ]);
    expect(await roundTrip(numberArray([3, null, 0]), 'int[]')).toEqual([3, null, 0]);
    expect(await roundTrip(booleanArray([true, null, false]), 'boolean[]')).toEqual([
      true,
      null,
      false,
    ]);
    const text = ['plain', null, 'NULL', '', 'quote " and \\ backslash', '{a,b}', ' spaced ', 'é'];
    expect(await roundTrip(textArray(text), 'text[]')).toEqual(text);
  });

  it('gives an empty array for no values', async () => {
    expect(await roundTrip(numberArray([]), 'int[]')).toEqual([]);
  });
});
