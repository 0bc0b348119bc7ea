/**
 * Bloat estimated from catalog statistics, the method of ioguix's
 * pgsql-bloat-estimation queries (the ones most monitoring tools use): from
 * the row count (pg_class.reltuples) and the average width and NULL share of
 * each column (pg_stats), work out how many pages the rows would fill when
 * packed at the relation's fillfactor, and compare with the pages it has.
 * It reads no page (pgstattuple would, at the cost of a full scan), so it is
 * cheap and approximate:
 * - it is only as fresh as the last ANALYZE, and needs one (no statistics, no estimate);
 * - B-tree deduplication (PostgreSQL 13+) packs repeated keys tighter than
 *   estimated: such indexes read as less bloated than they are, never more;
 * - a B-tree filled by random inserts settles near 70% full where a fresh
 *   build packs 90%: about 20% "bloat" is normal, hence the 30% threshold;
 * - a table's TOAST is not counted; only B-tree indexes are estimated.
 */
export const BLOAT_METHOD =
  'Estimated from catalog statistics (pg_class.reltuples, pg_stats widths and NULL shares) as in ' +
  'ioguix/pgsql-bloat-estimation: the pages the rows would fill at the fillfactor versus the pages ' +
  'on disk. Only as fresh as the last ANALYZE; B-tree indexes only; TOAST not counted.';

/** Inputs of an index's estimate, straight from the catalogs. */
export interface IndexBloatInput {
  schema: string;
  table: string;
  index: string;
  /** the access method: btree, gin, ... */
  method: string;
  /** false for a half-built index (a failed CREATE/REINDEX CONCURRENTLY) */
  valid: boolean;
  /** pg_class.reltuples: index entries at the last VACUUM or ANALYZE; -1 never counted */
  tuples: number;
  bytes: number;
  blockSize: number;
  /** the reloption, when set */
  fillfactor: number | null;
  /** key and INCLUDE columns */
  columns: number;
  columnsWithStats: number;
  /** Average bytes of a row's key data: the sum over columns of (1 - null_frac) * avg_width. */
  dataWidth: number;
  hasNulls: boolean;
}

/** Inputs of a table's (heap's) estimate. */
export interface TableBloatInput {
  schema: string;
  table: string;
  tuples: number;
  bytes: number;
  blockSize: number;
  fillfactor: number | null;
  columns: number;
  columnsWithStats: number;
  dataWidth: number;
  hasNulls: boolean;
}

export type BloatEstimate =
  { known: true; bloatPercent: number; wastedBytes: number } | { known: false; reason: string };

// Sizes from PostgreSQL's headers. MAXALIGN is 8 on 64-bit servers and on PGlite (wasm32 aligns doubles to 8).
const MAXALIGN = 8;
const PAGE_HEADER = 24;
const LINE_POINTER = 4;
const BTREE_PAGE_OPAQUE = 16;
const INDEX_TUPLE_HEADER = 8;
const INDEX_NULL_BITMAP = 4;
const HEAP_TUPLE_HEADER = 23;
const BTREE_DEFAULT_FILLFACTOR = 90;
const HEAP_DEFAULT_FILLFACTOR = 100;

const align = (bytes: number) => Math.ceil(bytes / MAXALIGN) * MAXALIGN;

export function estimateIndexBloat(input: IndexBloatInput): BloatEstimate {
  if (input.method !== 'btree') return unknown(`${input.method} indexes are not estimated`);
  const missing = missingStatistics(input);
  if (missing) return missing;
  const dataOffset = align(INDEX_TUPLE_HEADER + (input.hasNulls ? INDEX_NULL_BITMAP : 0));
  const entryBytes = align(dataOffset + input.dataWidth) + LINE_POINTER;
  const fillfactor = input.fillfactor ?? BTREE_DEFAULT_FILLFACTOR;
  const usable = ((input.blockSize - PAGE_HEADER - BTREE_PAGE_OPAQUE) * fillfactor) / 100;
  const perPage = Math.max(1, Math.floor(usable / entryBytes));
  // the metapage, then leaf pages; inner pages are a rounding error
  const expectedPages = 1 + Math.ceil(input.tuples / perPage);
  return compare(input, expectedPages);
}

export function estimateTableBloat(input: TableBloatInput): BloatEstimate {
  const missing = missingStatistics(input);
  if (missing) return missing;
  const nullBitmap = input.hasNulls ? Math.ceil(input.columns / 8) : 0;
  const rowBytes = align(HEAP_TUPLE_HEADER + nullBitmap) + align(input.dataWidth) + LINE_POINTER;
  const fillfactor = input.fillfactor ?? HEAP_DEFAULT_FILLFACTOR;
  const usable = ((input.blockSize - PAGE_HEADER) * fillfactor) / 100;
  const perPage = Math.max(1, Math.floor(usable / rowBytes));
  return compare(input, Math.ceil(input.tuples / perPage));
}

function missingStatistics(input: {
  tuples: number;
  columns: number;
  columnsWithStats: number;
}): BloatEstimate | undefined {
  if (input.tuples < 0) return unknown('never vacuumed or analyzed');
  // ANALYZE of an empty relation records no column statistics, and needs none here.
  if (input.tuples > 0 && input.columnsWithStats < input.columns) {
    return unknown('columns without statistics: run ANALYZE');
  }
  return undefined;
}

function compare(
  actual: { bytes: number; blockSize: number },
  expectedPages: number,
): BloatEstimate {
  const pages = Math.floor(actual.bytes / actual.blockSize);
  const wastedPages = Math.max(0, pages - expectedPages);
  return {
    known: true,
    bloatPercent: pages === 0 ? 0 : Math.round((1000 * wastedPages) / pages) / 10,
    wastedBytes: wastedPages * actual.blockSize,
  };
}

const unknown = (reason: string): BloatEstimate => ({ known: false, reason });

/** Above this estimated bloat an index is rebuilt. */
export const REINDEX_BLOAT_PERCENT = 30;
/**
 * Smaller indexes are left alone: a page or two of rounding moves their ratio
 * by tens of percent, and they stay cached whatever their bloat.
 */
export const REINDEX_MIN_BYTES = 1024 * 1024;

export interface ReindexPolicy {
  minBloatPercent: number;
  minBytes: number;
}

export const DEFAULT_REINDEX_POLICY: ReindexPolicy = {
  minBloatPercent: REINDEX_BLOAT_PERCENT,
  minBytes: REINDEX_MIN_BYTES,
};

export type KnownBloat = Extract<BloatEstimate, { known: true }>;

export interface IndexWithEstimate extends IndexBloatInput {
  estimate: BloatEstimate;
}

export interface ReindexCandidate extends IndexBloatInput {
  estimate: KnownBloat;
}

/** The valid indexes worth a REINDEX under the policy, the most wasteful first. */
export function indexesToReindex(
  indexes: readonly IndexWithEstimate[],
  policy: ReindexPolicy = DEFAULT_REINDEX_POLICY,
): ReindexCandidate[] {
  return indexes
    .filter(
      (i): i is ReindexCandidate =>
        i.valid &&
        i.estimate.known &&
        i.bytes >= policy.minBytes &&
        i.estimate.bloatPercent > policy.minBloatPercent,
    )
    .sort((a, b) => b.estimate.wastedBytes - a.estimate.wastedBytes);
}
