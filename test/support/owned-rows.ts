import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';

/**
 * Every row that names this user, by table: each table with a user_id column
 * (partitions aside: their parents read them) and the user's own row.
 * `ignoring` leaves columns out of the rows (a token's last use, which a
 * request of the user's own may write).
 */
export async function rowsOwnedBy(
  db: Kysely<DB>,
  userId: number,
  ignoring: readonly string[] = [],
): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT DISTINCT c.table_name AS name FROM information_schema.columns c
    JOIN pg_class r ON r.oid = format('%I.%I', c.table_schema, c.table_name)::regclass
    WHERE c.table_schema = 'public' AND c.column_name = 'user_id'
      AND r.relkind IN ('r', 'p') AND NOT r.relispartition
    ORDER BY 1`.execute(db);
  const selects = tables.map(
    ({ name }) =>
      sql`SELECT ${name}::text AS tbl, (to_jsonb(x) - ${sql.val(ignoring)}::text[])::text AS row
        FROM ${sql.table(name)} x WHERE x.user_id = ${userId}`,
  );
  selects.push(sql`SELECT 'app_user', to_jsonb(u)::text FROM app_user u WHERE u.id = ${userId}`);
  const { rows } = await sql<{ tbl: string; row: string }>`
    ${sql.join(selects, sql` UNION ALL `)} ORDER BY 1, 2`.execute(db);
  const byTable: Record<string, string[]> = {};
  for (const { tbl, row } of rows) (byTable[tbl] ??= []).push(row);
  return byTable;
}
