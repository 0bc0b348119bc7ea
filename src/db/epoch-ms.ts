import { sql, type RawBuilder } from 'kysely';

/** An SQL expression counting milliseconds, as an interval. */
export const ms = (expression: RawBuilder<unknown>) =>
  sql`(${expression} * interval '1 millisecond')`;

/** Times travel as epoch milliseconds: cheaper to send and to read back than timestamps as text. */
export const fromEpochMs = (column: string) => sql`(timestamptz 'epoch' + ${ms(sql.ref(column))})`;
