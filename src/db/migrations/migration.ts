import { sql, type Kysely } from 'kysely';

/**
 * One schema step. Steps run in order, each in its own transaction unless
 * `transaction` is false (needed for `CREATE INDEX CONCURRENTLY`); such a step
 * must be safe to re-run, because a crash can leave it half done.
 */
export interface Migration {
  name: string;
  transaction?: boolean;
  // Migrations are written against the schema as it was, not today's types.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>): Promise<void>;
}

/** Runs statements one by one: PGlite's extended protocol takes one statement per query. */
export async function runStatements(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const statement of statements) {
    await sql.raw(statement).execute(db);
  }
}
