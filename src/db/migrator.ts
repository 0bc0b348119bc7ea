import { sql, type Kysely } from 'kysely';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';
import type { DB } from './schema.js';

export interface MigrationState {
  name: string;
  appliedAt: Date | null;
}

/** pg_advisory_lock key that keeps two processes from migrating at once. */
const MIGRATION_LOCK_KEY = 7305413001n;

/**
 * Applies migrations in order, each recorded in schema_migration. Steps marked
 * `transaction: false` run outside a transaction (CREATE INDEX CONCURRENTLY).
 */
export class Migrator {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly migrations: readonly Migration[] = allMigrations,
  ) {}

  async status(): Promise<MigrationState[]> {
    const applied = (await this.hasLedger())
      ? await this.appliedMigrations(this.db)
      : new Map<string, Date>();
    this.assertKnown(applied);
    return this.migrations.map((m) => ({ name: m.name, appliedAt: applied.get(m.name) ?? null }));
  }

  /** The name of the last applied migration, or null on an empty database. */
  async current(): Promise<string | null> {
    const applied = (await this.status()).filter((m) => m.appliedAt);
    return applied.at(-1)?.name ?? null;
  }

  async migrate(): Promise<{ applied: string[] }> {
    return this.db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
      try {
        await this.createLedger(conn);
        const done = await this.appliedMigrations(conn);
        this.assertKnown(done);
        const pending = this.migrations.filter((m) => !done.has(m.name));
        for (const migration of pending) {
          await this.apply(conn, migration);
        }
        return { applied: pending.map((m) => m.name) };
      } finally {
        await sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
      }
    });
  }

  private async apply(conn: Kysely<DB>, migration: Migration): Promise<void> {
    const record = (db: Kysely<DB>) =>
      db.insertInto('schema_migration').values({ name: migration.name }).execute();
    if (migration.transaction === false) {
      await migration.up(conn);
      await record(conn);
      return;
    }
    await conn.transaction().execute(async (trx) => {
      await migration.up(trx);
      await record(trx);
    });
  }

  private assertKnown(applied: Map<string, Date>): void {
    const known = new Set(this.migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `The database has migrations this version does not know (${unknown.join(', ')}): it was migrated by a newer Spotlib.`,
      );
    }
  }

  private async appliedMigrations(db: Kysely<DB>): Promise<Map<string, Date>> {
    const rows = await db.selectFrom('schema_migration').select(['name', 'applied_at']).execute();
    return new Map(rows.map((r) => [r.name, r.applied_at]));
  }

  private async hasLedger(): Promise<boolean> {
    const { rows } = await sql<{
      exists: boolean;
    }>`SELECT to_regclass('schema_migration') IS NOT NULL AS exists`.execute(this.db);
    return rows[0]?.exists === true;
  }

  private async createLedger(db: Kysely<DB>): Promise<void> {
    await sql`CREATE TABLE IF NOT EXISTS schema_migration (
      name text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  }
}
