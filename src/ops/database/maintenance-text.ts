import { formatBytes, formatTable } from '../../cli/text-table.js';
import { REINDEX_BLOAT_PERCENT } from './bloat-estimate.js';
import type { MaintenanceReport } from './maintenance.types.js';

const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');

/** `spotlib db maintain` for people. */
export function renderMaintenance(report: MaintenanceReport): string {
  return [
    `History partitions created: ${list(report.partitionsCreated)}`,
    `Archived: ${list(report.archived)}`,
    `VACUUM (ANALYZE): ${list(report.vacuumed)}`,
    `ANALYZE of partitioned parents: ${list(report.analyzed)}`,
    report.reindexed.length
      ? formatTable(
          [
            { title: 'rebuilt index' },
            { title: 'table' },
            { title: 'bloat (est.)', align: 'right' },
            { title: 'before', align: 'right' },
            { title: 'after', align: 'right' },
          ],
          report.reindexed.map((r) => [
            `${r.schema}.${r.index}`,
            r.table,
            `${r.bloatPercent.toFixed(1)}%`,
            formatBytes(r.bytesBefore),
            formatBytes(r.bytesAfter),
          ]),
        )
      : `Rebuilt indexes: none (${REINDEX_BLOAT_PERCENT}% estimated bloat rebuilds one)`,
    ...report.skipped.map(
      (s) =>
        `skipped ${s.step}: ${s.reason}${s.targets?.length ? ` (${s.targets.join(', ')})` : ''}`,
    ),
    ...report.failed.map((f) => `FAILED ${f.step}${f.target ? ` ${f.target}` : ''}: ${f.error}`),
    `Done in ${report.seconds} s`,
  ].join('\n');
}
