import { formatBytes, formatTable } from '../../cli/text-table.js';
import type {
  DbReport,
  IndexUsage,
  PartitionGroup,
  RelationBloat,
  SlowStatement,
  StatementsReport,
} from './db-report.types.js';

/** Index usage lines shown on the terminal; --json has them all. */
const INDEX_LINES = 15;
const QUERY_CHARS = 100;

/** `spotlib db report` for people: one titled table per section. */
export function renderDbReport(report: DbReport): string {
  return [
    `${report.engine === 'pglite' ? 'PGlite' : 'PostgreSQL'} ${report.serverVersion}, database ${formatBytes(report.databaseBytes)}; ` +
      `usage counted since ${report.statsReset ?? 'the database was created'}`,
    ...renderStatements(report.statements),
    section('Tables, largest first', tables(report)),
    section(
      `Index usage, most scanned first${report.indexes.usage.length > INDEX_LINES ? ` (${INDEX_LINES} of ${report.indexes.usage.length}; --json lists all)` : ''}`,
      indexTable(report.indexes.usage.slice(0, INDEX_LINES)),
    ),
    section(
      'Unused indexes (never scanned; primary keys and constraints left out)',
      report.indexes.unused.length ? indexTable(report.indexes.unused) : 'none',
    ),
    section(`Table bloat (estimated)`, bloatTable(report.bloat.tables)),
    section(`Index bloat (estimated)`, bloatTable(report.bloat.indexes)),
    `Relations of ${formatBytes(report.bloat.minBytes)} or more; ${report.bloat.notEstimated.length} not estimated. ${report.bloat.method}`,
    section('Listening history partitions', history(report)),
  ].join('\n');
}

function renderStatements(statements: StatementsReport): string[] {
  if (!statements.available) {
    const what = statements.reason === 'not_installed' ? 'not installed' : 'not loaded';
    return [
      section(
        'Slowest statements',
        [
          `pg_stat_statements is ${what} in this database. To enable it:`,
          ...statements.howToEnable.map((step) => `  - ${step}`),
        ].join('\n'),
      ),
    ];
  }
  const since = `since ${statements.statsReset ?? 'the extension was installed'}`;
  return [
    section(`Slowest statements by mean time (${since})`, statementTable(statements.byMeanTime)),
    section('Slowest statements by total time', statementTable(statements.byTotalTime)),
  ];
}

function statementTable(rows: SlowStatement[]): string {
  if (!rows.length) return 'none recorded yet';
  return formatTable(
    [
      { title: 'mean ms', align: 'right' },
      { title: 'total ms', align: 'right' },
      { title: 'calls', align: 'right' },
      { title: 'cache hit', align: 'right' },
      { title: 'query' },
    ],
    rows.map((s) => [
      s.meanMs.toFixed(2),
      s.totalMs.toFixed(1),
      String(s.calls),
      s.cacheHitPercent === null ? '-' : `${s.cacheHitPercent.toFixed(1)}%`,
      oneLine(s.query),
    ]),
  );
}

function tables(report: DbReport): string {
  return formatTable(
    [
      { title: 'table' },
      { title: 'partitions', align: 'right' },
      { title: 'rows (est.)', align: 'right' },
      { title: 'table', align: 'right' },
      { title: 'indexes', align: 'right' },
      { title: 'total', align: 'right' },
    ],
    report.tables.map((t) => [
      qualified(t.schema, t.table),
      t.partitioned ? String(t.partitions) : '',
      String(Math.round(t.rows)),
      formatBytes(t.tableBytes),
      formatBytes(t.indexBytes),
      formatBytes(t.totalBytes),
    ]),
  );
}

function indexTable(indexes: IndexUsage[]): string {
  return formatTable(
    [
      { title: 'index' },
      { title: 'table' },
      { title: 'scans', align: 'right' },
      { title: 'size', align: 'right' },
      { title: 'partitions', align: 'right' },
    ],
    indexes.map((i) => [
      i.index,
      qualified(i.schema, i.table),
      String(i.scans),
      formatBytes(i.bytes),
      i.partitions ? String(i.partitions) : '',
    ]),
  );
}

function bloatTable(relations: RelationBloat[]): string {
  if (!relations.length) return 'none';
  return formatTable(
    [
      { title: 'relation' },
      { title: 'table' },
      { title: 'size', align: 'right' },
      { title: 'bloat', align: 'right' },
      { title: 'wasted', align: 'right' },
    ],
    relations.map((r) => [
      r.name,
      qualified(r.schema, r.table),
      formatBytes(r.bytes),
      `${r.bloatPercent.toFixed(1)}%`,
      formatBytes(r.wastedBytes),
    ]),
  );
}

function history({ history: h }: DbReport): string {
  const group = (label: string, g: PartitionGroup) =>
    `${label} ${g.table}: ${g.count} partitions${g.first ? ` ${g.first} to ${g.last}` : ''}, ` +
    `${Math.round(g.rows)} rows (est.), ${formatBytes(g.bytes)}`;
  return [
    `The hot table keeps ${h.hotMonths} months, from ${h.hotWindowStart} on`,
    group('hot', h.hot),
    group('archived', h.archive),
    `due for archival: ${h.dueForArchival.join(', ') || 'none'}`,
    ...(h.interruptedMoves.length
      ? [
          `interrupted archival moves (the next run finishes them): ${h.interruptedMoves.join(', ')}`,
        ]
      : []),
    formatTable(
      [
        { title: 'hot partition' },
        { title: 'rows (est.)', align: 'right' },
        { title: 'size', align: 'right' },
      ],
      h.hot.partitions.map((p) => [p.name, String(Math.round(p.rows)), formatBytes(p.bytes)]),
    ),
  ].join('\n');
}

const section = (title: string, body: string) => `\n${title}\n${body}`;

const qualified = (schema: string, name: string) =>
  schema === 'public' ? name : `${schema}.${name}`;

function oneLine(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > QUERY_CHARS ? `${flat.slice(0, QUERY_CHARS - 1)}…` : flat;
}
