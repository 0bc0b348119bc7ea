import { sql, type RawBuilder } from 'kysely';

/**
 * True for relations of the database's own schemas (Spotlib's, pg-boss's):
 * not the catalogs, TOAST or temporary schemas (every `pg_` name is the system's).
 */
export const inUserSchema = (schemaColumn: string): RawBuilder<boolean> =>
  sql<boolean>`(${sql.ref(schemaColumn)} <> 'information_schema'
    AND ${sql.ref(schemaColumn)} NOT LIKE 'pg\\_%')`;
