import { describe, expect, it } from 'vitest';
import {
  estimateIndexBloat,
  estimateTableBloat,
  indexesToReindex,
  type IndexBloatInput,
  type IndexWithEstimate,
  type TableBloatInput,
} from './bloat-estimate.js';

const PAGE = 8192;

/** An int4 B-tree of 100k entries as CREATE INDEX builds it: 276 pages (measured on PostgreSQL 15). */
const intIndex = (over: Partial<IndexBloatInput> = {}): IndexBloatInput => ({
  schema: 'public',
  table: 'scratch',
  index: 'scratch_n',
  method: 'btree',
  valid: true,
  tuples: 100_000,
  bytes: 276 * PAGE,
  blockSize: PAGE,
  fillfactor: null,
  columns: 1,
  columnsWithStats: 1,
  dataWidth: 4,
  hasNulls: false,
  ...over,
});

const table = (over: Partial<TableBloatInput> = {}): TableBloatInput => ({
  schema: 'public',
  table: 'scratch',
  tuples: 100_000,
  // (int4, int4): 226 rows a page, 443 pages
  bytes: 443 * PAGE,
  blockSize: PAGE,
  fillfactor: null,
  columns: 2,
  columnsWithStats: 2,
  dataWidth: 8,
  hasNulls: false,
  ...over,
});

describe('estimateIndexBloat', () => {
  it('finds a freshly built index tight', () => {
    const estimate = estimateIndexBloat(intIndex());
    expect(estimate).toMatchObject({ known: true });
    expect(estimate.known && estimate.bloatPercent).toBeLessThan(2);
  });

  it('finds most of an index wasted once most rows are gone', () => {
    const estimate = estimateIndexBloat(intIndex({ tuples: 10_000 }));
    expect(estimate).toEqual({ known: true, bloatPercent: 89.5, wastedBytes: 247 * PAGE });
  });

  it('counts a lower fillfactor as room left on purpose', () => {
    const packed = estimateIndexBloat(intIndex({ tuples: 70_000 }));
    const loose = estimateIndexBloat(intIndex({ tuples: 70_000, fillfactor: 60 }));
    expect(packed.known && loose.known && loose.bloatPercent < packed.bloatPercent).toBe(true);
  });

  it('makes room for the NULL bitmap', () => {
    const withNulls = estimateIndexBloat(intIndex({ tuples: 70_000, hasNulls: true }));
    const without = estimateIndexBloat(intIndex({ tuples: 70_000 }));
    expect(withNulls.known && without.known && withNulls.bloatPercent < without.bloatPercent).toBe(
      true,
    );
  });

  it('declines what it cannot estimate', () => {
    expect(estimateIndexBloat(intIndex({ method: 'gin' }))).toEqual({
      known: false,
      reason: 'gin indexes are not estimated',
    });
    expect(estimateIndexBloat(intIndex({ tuples: -1 }))).toMatchObject({ known: false });
    expect(estimateIndexBloat(intIndex({ columnsWithStats: 0 }))).toMatchObject({ known: false });
  });

  it('needs no statistics for an empty index', () => {
    expect(estimateIndexBloat(intIndex({ tuples: 0, columnsWithStats: 0, bytes: PAGE }))).toEqual({
      known: true,
      bloatPercent: 0,
      wastedBytes: 0,
    });
  });
});

describe('estimateTableBloat', () => {
  it('finds a freshly loaded table tight and a mostly deleted one wasteful', () => {
    expect(estimateTableBloat(table())).toEqual({ known: true, bloatPercent: 0, wastedBytes: 0 });
    const deleted = estimateTableBloat(table({ tuples: 20_000 }));
    expect(deleted.known && deleted.bloatPercent).toBeCloseTo(79.9, 1);
  });
});

describe('indexesToReindex', () => {
  const estimated = (over: Partial<IndexBloatInput>): IndexWithEstimate => {
    const input = intIndex(over);
    return { ...input, estimate: estimateIndexBloat(input) };
  };

  it('takes valid indexes of at least 1 MB past 30% bloat, the most wasteful first', () => {
    const chosen = indexesToReindex([
      estimated({ index: 'tight' }),
      estimated({ index: 'half', tuples: 50_000 }),
      estimated({ index: 'mostly_empty', tuples: 5_000 }),
      estimated({ index: 'small', tuples: 10, bytes: 100 * PAGE }),
      estimated({ index: 'half_built', tuples: 5_000, valid: false }),
      estimated({ index: 'trigram', method: 'gin', tuples: 5_000 }),
      // 22% is what random inserts leave in a healthy B-tree
      estimated({ index: 'settled', tuples: 78_000 }),
    ]);
    expect(chosen.map((i) => i.index)).toEqual(['mostly_empty', 'half']);
  });

  it('follows the policy it is given', () => {
    const chosen = indexesToReindex([estimated({ index: 'settled', tuples: 78_000 })], {
      minBloatPercent: 20,
      minBytes: 0,
    });
    expect(chosen.map((i) => i.index)).toEqual(['settled']);
  });
});
