import { Injectable } from '@nestjs/common';
import { Kysely, sql } from 'kysely';
import type { DB, SyncKind } from '../../db/schema.js';

/**
 * A running sync that wrote nothing for this long has died: another may
 * take over and resume. Longer than any wait a live one makes between writes
 * (a Retry-After is waited up to 2 minutes, then backoff, then a batch).
 */
export const SYNC_LEASE_SECONDS = 600;

export interface SyncClaim {
  /** where an interrupted run stopped (meaning per kind); null for a fresh start */
  checkpoint: string | null;
  /** when a sync of this kind last completed */
  lastSuccessAt: Date | null;
}

/**
 * Progress and checkpoints of a user's syncs, one row per kind. A running
 * row is a lease: progress renews it, and a second sync of the same kind
 * is refused while it is fresh.
 */
@Injectable()
export class SyncStateRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Starts a sync, or resumes one that failed or died (its checkpoint comes
   * back); undefined when one of this kind is running.
   */
  async claim(userId: number, kind: SyncKind): Promise<SyncClaim | undefined> {
    await this.db
      .insertInto('sync_state')
      .values({ user_id: userId, kind })
      .onConflict((oc) => oc.columns(['user_id', 'kind']).doNothing())
      .execute();
    const { rows } = await sql<{ checkpoint: string | null; last_success_at: Date | null }>`
      UPDATE sync_state SET status = 'running', updated_at = now(), finished_at = NULL,
        started_at = CASE WHEN status IN ('running', 'failed') THEN started_at ELSE now() END,
        items_done = CASE WHEN status IN ('running', 'failed') THEN items_done ELSE 0 END
      WHERE user_id = ${userId} AND kind = ${kind}
        AND NOT (status = 'running' AND updated_at > now() - make_interval(secs => ${SYNC_LEASE_SECONDS}))
      RETURNING checkpoint, last_success_at`.execute(this.db);
    const row = rows[0];
    return row && { checkpoint: row.checkpoint, lastSuccessAt: row.last_success_at };
  }

  /** Records progress and where to resume; renews the lease. */
  async progress(
    userId: number,
    kind: SyncKind,
    update: { checkpoint: string | null; done: number; total: number | null },
    db: Kysely<DB> = this.db,
  ): Promise<void> {
    await db
      .updateTable('sync_state')
      .set({
        checkpoint: update.checkpoint,
        items_done: update.done,
        items_total: update.total,
        updated_at: new Date(),
      })
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();
  }

  /** `checkpoint`: what the next run starts from (a cursor that outlives runs), or null. */
  async complete(userId: number, kind: SyncKind, checkpoint: string | null = null): Promise<void> {
    await this.finish(userId, kind, {
      status: 'completed',
      checkpoint,
      last_success_at: new Date(),
      last_error: null,
    });
  }

  /** Keeps the checkpoint: the next run resumes there. */
  async fail(userId: number, kind: SyncKind, error: string): Promise<void> {
    await this.finish(userId, kind, { status: 'failed', last_error: error });
  }

  list(userId: number) {
    return this.db
      .selectFrom('sync_state')
      .select([
        'kind',
        'status',
        'items_done',
        'items_total',
        'started_at',
        'finished_at',
        'last_success_at',
        'last_error',
      ])
      .where('user_id', '=', userId)
      .orderBy('kind')
      .execute();
  }

  private async finish(
    userId: number,
    kind: SyncKind,
    values: {
      status: 'completed' | 'failed';
      checkpoint?: string | null;
      last_success_at?: Date;
      last_error: string | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable('sync_state')
      .set({ ...values, finished_at: new Date(), updated_at: new Date() })
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();
  }
}
