import { sql, type Kysely } from 'kysely';
import { numberArray } from './array-literal.js';
import type { DB } from './schema.js';

/** Which of these ids name no row of this user in the table (keyed by user_id, id). */
export async function idsNotOwned(
  db: Kysely<DB>,
  table: 'tag' | 'user_track',
  userId: number,
  ids: readonly number[],
): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    SELECT i AS id FROM unnest(${numberArray(ids)}::bigint[]) i
    WHERE NOT EXISTS (SELECT 1 FROM ${sql.table(table)} x WHERE x.user_id = ${userId} AND x.id = i)`.execute(
    db,
  );
  return rows.map((r) => r.id);
}
