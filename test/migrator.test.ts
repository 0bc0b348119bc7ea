import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { Migrator } from '../src/db/migrator.js';
import { migrations } from '../src/db/migrations/index.js';
import type { Migration } from '../src/db/migrations/migration.js';
import { createPartitionedIndexConcurrently } from '../src/db/migrations/partitioned-index.js';
import type { DB } from '../src/db/schema.js';
import { describeEngines, withTestDatabase } from './support/databases.js';

const historyIndex = (table: string): Migration => ({
  name: `9001-${table}-source-index`,
  transaction: false,
  up: (db) =>
    createPartitionedIndexConcurrently(db, {
      table,
      suffix: 'user_source_idx',
      columns: 'user_id, source',
    }),
});

describeEngines('migrator', (engine) => {
  it('runs a step outside a transaction: CREATE INDEX CONCURRENTLY per partition, then ON ONLY', () =>
    withTestDatabase(engine, async ({ db }) => {
      const migrator = new Migrator(db, [...migrations, historyIndex('play_history')]);
      expect(await migrator.migrate()).toEqual({ applied: ['9001-play_history-source-index'] });

      const { rows } = await sql<{ partitions: number; attached: number; valid: boolean }>`
      SELECT
        (SELECT count(*)::int FROM pg_inherits WHERE inhparent = 'play_history'::regclass) AS partitions,
        (SELECT count(*)::int FROM pg_inherits
          WHERE inhparent = 'play_history_user_source_idx'::regclass) AS attached,
        (SELECT indisvalid FROM pg_index
          WHERE indexrelid = 'play_history_user_source_idx'::regclass) AS valid`.execute(db);
      expect(rows[0]!.partitions).toBeGreaterThan(0);
      expect(rows[0]).toEqual({
        partitions: rows[0]!.partitions,
        attached: rows[0]!.partitions,
        valid: true,
      });
      expect(await migrator.migrate()).toEqual({ applied: [] });
    }));

  it('finishes a half-done concurrent index build when run again', () =>
    withTestDatabase(engine, async ({ db }) => {
      const partition = await firstPartition(db, 'play_history_archive');
      // As if a crash came after the first partition's index and before the parent's.
      await sql`CREATE INDEX ${sql.id(`${partition}_user_source_idx`)}
      ON ${sql.table(partition)} (user_id, source)`.execute(db);
      const migrator = new Migrator(db, [...migrations, historyIndex('play_history_archive')]);
      await migrator.migrate();
      const { rows } = await sql<{ valid: boolean }>`
      SELECT indisvalid AS valid FROM pg_index
      WHERE indexrelid = 'play_history_archive_user_source_idx'::regclass`.execute(db);
      expect(rows).toEqual([{ valid: true }]);
    }));

  it('rolls a failing transactional step back whole and records nothing', () =>
    withTestDatabase(engine, async ({ db }) => {
      const failing: Migration = {
        name: '9002-failing',
        up: async (db) => {
          await sql`CREATE TABLE half_done (id int)`.execute(db);
          await sql`SELECT no_such_function()`.execute(db);
        },
      };
      const migrator = new Migrator(db, [...migrations, failing]);
      await expect(migrator.migrate()).rejects.toThrow(/no_such_function/);
      const { rows } = await sql<{ table: string | null }>`
      SELECT to_regclass('half_done')::text AS table`.execute(db);
      expect(rows).toEqual([{ table: null }]);
      expect((await migrator.status()).at(-1)).toEqual({ name: '9002-failing', appliedAt: null });
    }));

  it('refuses a database migrated by a newer version', () =>
    withTestDatabase(engine, async ({ db }) => {
      await db.insertInto('schema_migration').values({ name: '9999-from-the-future' }).execute();
      try {
        await expect(new Migrator(db).migrate()).rejects.toThrow(/newer Spotlib/);
        await expect(new Migrator(db).status()).rejects.toThrow(/9999-from-the-future/);
      } finally {
        await db
          .deleteFrom('schema_migration')
          .where('name', '=', '9999-from-the-future')
          .execute();
      }
    }));
});

describe('migration list', () => {
  it('has unique names in order', () => {
    const names = migrations.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(names);
  });
});

async function firstPartition(db: Kysely<DB>, table: string): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${table}::regclass ORDER BY 1 LIMIT 1`.execute(db);
  return rows[0]!.name;
}
