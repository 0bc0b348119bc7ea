import { sql, type Kysely } from 'kysely';

export interface PartitionedIndex {
  /** the partitioned parent, e.g. play_history */
  table: string;
  /** index name suffix: the parent's index is `${table}_${suffix}`, each partition's `${partition}_${suffix}` */
  suffix: string;
  /** the indexed columns as SQL, e.g. `user_id, source` (a constant of the migration, never user input) */
  columns: string;
}

/**
 * CREATE INDEX CONCURRENTLY is refused on a partitioned table. So: build the
 * index on each partition concurrently (writes go on), create the parent's
 * index ON ONLY (a catalog entry, invalid until complete), then attach each
 * partition's index; the parent's becomes valid with the last one. For a
 * migration with `transaction: false`; every step is safe to re-run after a
 * crash (an invalid half-built index is dropped and built again).
 */
export async function createPartitionedIndexConcurrently(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  index: PartitionedIndex,
): Promise<void> {
  const parentIndex = `${index.table}_${index.suffix}`;
  const { rows: partitions } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = ${index.table}::regclass ORDER BY 1`.execute(db);

  for (const { name } of partitions) {
    const partitionIndex = `${name}_${index.suffix}`;
    await dropIfInvalid(db, partitionIndex);
    await sql`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${sql.id(partitionIndex)}
      ON ${sql.table(name)} (${sql.raw(index.columns)})`.execute(db);
  }
  await sql`CREATE INDEX IF NOT EXISTS ${sql.id(parentIndex)}
    ON ONLY ${sql.table(index.table)} (${sql.raw(index.columns)})`.execute(db);
  for (const { name } of partitions) {
    const partitionIndex = `${name}_${index.suffix}`;
    const { rows } = await sql<{ attached: boolean }>`
      SELECT EXISTS (
        SELECT 1 FROM pg_inherits
        WHERE inhrelid = ${partitionIndex}::regclass AND inhparent = ${parentIndex}::regclass
      ) AS attached`.execute(db);
    if (!rows[0]?.attached) {
      await sql`ALTER INDEX ${sql.id(parentIndex)} ATTACH PARTITION ${sql.id(partitionIndex)}`.execute(
        db,
      );
    }
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function dropIfInvalid(db: Kysely<any>, indexName: string): Promise<void> {
  const { rows } = await sql<{ valid: boolean }>`
    SELECT i.indisvalid AS valid FROM pg_index i
    WHERE i.indexrelid = to_regclass(${indexName})`.execute(db);
  if (rows[0] && !rows[0].valid) {
    await sql`DROP INDEX CONCURRENTLY IF EXISTS ${sql.id(indexName)}`.execute(db);
  }
}
