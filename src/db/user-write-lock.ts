import { sql, type Transaction } from 'kysely';
import type { DB } from './schema.js';

/**
 * Serialises everything that writes one user's plays or the aggregates
 * derived from them (DESIGN rule 4): held until the transaction ends. A
 * user id is a bigint, which is what the lock takes.
 */
export async function lockUserWrites(trx: Transaction<DB>, userId: number): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${userId}::bigint)`.execute(trx);
}
