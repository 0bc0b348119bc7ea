import { z } from 'zod';
import { reportLimit } from '../ops/database/db-report.dto.js';
import { renderDbReport } from '../ops/database/db-report-text.js';
import { DbReportService } from '../ops/database/db-report.service.js';
import { renderMaintenance } from '../ops/database/maintenance-text.js';
import { MaintenanceService } from '../ops/database/maintenance.service.js';
import { defineCommand, type CliCommand } from './command.js';

/** The database's monitoring and upkeep: `db report`, `db maintain`. */
export const dbOpsCommands: Record<string, CliCommand> = {
  'db.report': defineCommand({
    description:
      'Slowest statements, index usage, table and partition sizes, estimated bloat (as GET /api/admin/db)',
    options: [
      {
        name: 'limit',
        flags: '--limit <n>',
        description: 'rows of each top list: statements, bloat (default 10)',
      },
    ],
    args: z.object({ limit: reportLimit }),
    run: (ctx, args) => ctx.get(DbReportService).report(args.limit),
    render: renderDbReport,
  }),
  'db.maintain': defineCommand({
    description:
      'Partitions ahead, archival, VACUUM (ANALYZE) of hot tables, ANALYZE of partitioned parents, REINDEX of bloated indexes (weekly on its own)',
    args: z.object({}),
    run: (ctx) => ctx.get(MaintenanceService).maintain(),
    render: renderMaintenance,
    failed: (r) => r.failed.length > 0,
  }),
};
