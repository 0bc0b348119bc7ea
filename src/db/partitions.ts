import { sql, type Kysely } from 'kysely';
import type { ArchiveMoveStep, DB } from './schema.js';

/** Spotify launched in October 2008; no play can be older than this month. */
export const FIRST_HISTORY_MONTH = { year: 2008, month: 1 };
/** Months created beyond the current one, so writes never wait for upkeep. */
export const MONTHS_AHEAD = 3;

export type HistoryTable = 'play_history' | 'play_history_archive';

export interface Month {
  year: number;
  /** 1..12 */
  month: number;
}

export interface HistoryPartition extends Month {
  name: string;
  table: HistoryTable;
}

export const monthIndex = (m: Month): number => m.year * 12 + (m.month - 1);
export const monthFromIndex = (i: number): Month => ({
  year: Math.floor(i / 12),
  month: (i % 12) + 1,
});
export const monthOf = (date: Date): Month => ({
  year: date.getUTCFullYear(),
  month: date.getUTCMonth() + 1,
});

const pad = (n: number) => String(n).padStart(2, '0');
export const partitionName = (m: Month) => `play_history_${m.year}_${pad(m.month)}`;
const monthStart = (m: Month) => `${m.year}-${pad(m.month)}-01 00:00:00+00`;

/**
 * Keeps a monthly partition for every month from 2008-01 to MONTHS_AHEAD
 * months ahead. Months older than the hot window are created straight in the
 * archive. Each partition is created in its own short transaction and
 * attached (SHARE UPDATE EXCLUSIVE on the parent) rather than created with
 * PARTITION OF (ACCESS EXCLUSIVE), so upkeep never blocks readers or writers.
 */
export class PlayHistoryPartitions {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly hotMonths: number,
  ) {}

  async list(): Promise<HistoryPartition[]> {
    const { rows } = await sql<{ name: string; parent: HistoryTable }>`
      SELECT c.relname AS name, p.relname AS parent
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname IN ('play_history', 'play_history_archive')
        AND p.relnamespace = current_schema()::regnamespace
      ORDER BY c.relname`.execute(this.db);
    return rows.map((row) => ({
      name: row.name,
      table: row.parent,
      ...monthOfPartition(row.name),
    }));
  }

  /** The first month that belongs to the hot table at `now`. */
  hotWindowStart(now: Date): Month {
    return monthFromIndex(monthIndex(monthOf(now)) - (this.hotMonths - 1));
  }

  async ensure(now: Date = new Date()): Promise<{ created: string[] }> {
    const existing = new Set((await this.list()).map((p) => p.name));
    const hotStart = monthIndex(this.hotWindowStart(now));
    const last = monthIndex(monthOf(now)) + MONTHS_AHEAD;
    const created: string[] = [];
    for (let i = monthIndex(FIRST_HISTORY_MONTH); i <= last; i++) {
      const month = monthFromIndex(i);
      if (existing.has(partitionName(month))) continue;
      await this.create(month, i < hotStart ? 'play_history_archive' : 'play_history');
      created.push(partitionName(month));
    }
    return { created };
  }

  private async create(month: Month, table: HistoryTable): Promise<void> {
    const name = sql.id(partitionName(month));
    const from = monthStart(month);
    const to = monthStart(monthFromIndex(monthIndex(month) + 1));
    await this.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL lock_timeout = '5s'`.execute(trx);
      await sql`CREATE TABLE ${name} (LIKE ${sql.table(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`.execute(
        trx,
      );
      // The CHECK spares ATTACH its validation scan.
      await sql`ALTER TABLE ${name} ADD CONSTRAINT ${sql.id(`${partitionName(month)}_bounds`)}
        CHECK (played_at >= ${sql.lit(from)}::timestamptz AND played_at < ${sql.lit(to)}::timestamptz)`.execute(
        trx,
      );
      await sql`ALTER TABLE ${sql.table(table)} ATTACH PARTITION ${name}
        FOR VALUES FROM (${sql.lit(from)}) TO (${sql.lit(to)})`.execute(trx);
    });
  }
}

/**
 * Moves months older than the hot window from play_history to
 * play_history_archive: DETACH CONCURRENTLY (writers go on), then ATTACH to
 * the archive, where the partition's bounds CHECK spares the validation scan.
 * A metadata change, not a row copy. The two steps cannot share a
 * transaction, so each move is recorded in history_archive_move and a move
 * a crash interrupted is finished on the next run.
 */
export class PlayHistoryArchiver {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly partitions: PlayHistoryPartitions,
  ) {}

  async archive(now: Date = new Date()): Promise<{ moved: string[]; resumed: string[] }> {
    const resumed = await this.resumeInterrupted();
    const hotStart = monthIndex(this.partitions.hotWindowStart(now));
    const due = (await this.partitions.list()).filter(
      (p) => p.table === 'play_history' && monthIndex(p) < hotStart,
    );
    for (const partition of due) await this.move(partition);
    return { moved: due.map((p) => p.name), resumed };
  }

  private async move(month: Month): Promise<void> {
    const name = partitionName(month);
    await this.db
      .insertInto('history_archive_move')
      .values({ partition_name: name, step: 'detaching' })
      .onConflict((oc) =>
        oc.column('partition_name').doUpdateSet({ step: 'detaching', updated_at: new Date() }),
      )
      .execute();
    await sql`ALTER TABLE play_history DETACH PARTITION ${sql.id(name)} CONCURRENTLY`.execute(
      this.db,
    );
    await this.setStep(name, 'detached');
    await this.attachToArchive(month);
  }

  private async resumeInterrupted(): Promise<string[]> {
    const open = await this.db
      .selectFrom('history_archive_move')
      .select('partition_name')
      .where('step', '!=', 'attached')
      .execute();
    for (const { partition_name: name } of open) {
      const month = monthOfPartition(name);
      const { rows } = await sql<{ parent: string; pending: boolean }>`
        SELECT p.relname AS parent, i.inhdetachpending AS pending
        FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
        WHERE i.inhrelid = ${name}::regclass`.execute(this.db);
      const state = rows[0];
      if (state?.parent === 'play_history') {
        await (
          state.pending
            ? sql`ALTER TABLE play_history DETACH PARTITION ${sql.id(name)} FINALIZE`
            : sql`ALTER TABLE play_history DETACH PARTITION ${sql.id(name)} CONCURRENTLY`
        ).execute(this.db);
      }
      if (state?.parent !== 'play_history_archive') await this.attachToArchive(month);
      else await this.setStep(name, 'attached');
    }
    return open.map((row) => row.partition_name);
  }

  private async attachToArchive(month: Month): Promise<void> {
    const name = partitionName(month);
    const to = monthStart(monthFromIndex(monthIndex(month) + 1));
    await this.db.transaction().execute(async (trx) => {
      await sql`ALTER TABLE play_history_archive ATTACH PARTITION ${sql.id(name)}
        FOR VALUES FROM (${sql.lit(monthStart(month))}) TO (${sql.lit(to)})`.execute(trx);
      await trx
        .updateTable('history_archive_move')
        .set({ step: 'attached', updated_at: new Date() })
        .where('partition_name', '=', name)
        .execute();
    });
  }

  private async setStep(name: string, step: ArchiveMoveStep): Promise<void> {
    await this.db
      .updateTable('history_archive_move')
      .set({ step, updated_at: new Date() })
      .where('partition_name', '=', name)
      .execute();
  }
}

export function monthOfPartition(name: string): Month {
  const [year, month] = name.replace('play_history_', '').split('_').map(Number);
  return { year: year!, month: month! };
}
