import type { Engine } from '../../config/config.js';

export type MaintenanceStep = 'partitions' | 'archival' | 'vacuum' | 'analyze' | 'reindex';

/** `spotlib db maintain --json`: what one maintenance run did. */
export interface MaintenanceReport {
  engine: Engine;
  startedAt: string;
  seconds: number;
  /** History partitions created ahead. */
  partitionsCreated: string[];
  /** History partitions moved to the archive (interrupted moves finished included). */
  archived: string[];
  /** Tables given VACUUM (ANALYZE): the hot ones. */
  vacuumed: string[];
  /** Partitioned parents given ANALYZE on top (autovacuum never analyzes them). */
  analyzed: string[];
  reindexed: ReindexedIndex[];
  /** Work deliberately left undone, and why. */
  skipped: { step: MaintenanceStep; reason: string; targets?: string[] }[];
  /** Work that was tried and failed; the other steps still ran. */
  failed: { step: MaintenanceStep; target?: string; error: string }[];
}

export interface ReindexedIndex {
  schema: string;
  table: string;
  index: string;
  /** The estimate that called for it. */
  bloatPercent: number;
  bytesBefore: number;
  bytesAfter: number;
}
