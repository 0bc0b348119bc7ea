import { Injectable } from '@nestjs/common';
import { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { HistoryRepository } from '../history/history.repository.js';
import { AggregatesRepository } from '../stats/aggregates.repository.js';
import { RollupsRepository } from '../stats/rollups.repository.js';
import type { RecordOf } from './archive-format.js';
import { BackupRestoreRepository } from './backup-restore.repository.js';
import type { RestoreKeys } from './restore-keys.js';

/**
 * Restores plays a committed batch at a time (DESIGN rules 4 and 5): under
 * the user's recording lock, each play into the table of its month, and
 * every counter moved by the plays actually inserted, in the same
 * transaction — as the recorder does, without its matching (see
 * BackupRestoreRepository.insertPlays).
 */
@Injectable()
export class PlayRestorer {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly history: HistoryRepository,
    private readonly aggregates: AggregatesRepository,
    private readonly rollups: RollupsRepository,
    private readonly restore: BackupRestoreRepository,
  ) {}

  /** Returns how many plays were written. */
  async plays(userId: number, keys: RestoreKeys, plays: readonly RecordOf<'play'>[]) {
    const rows = plays.map((p) => ({ ...p, userTrackId: keys.track(p.track) }));
    return this.db.transaction().execute(async (trx) => {
      await this.history.lockForRecording(trx, userId);
      const hotStart = await this.history.hotStart(trx);
      const zone = await this.rollups.zoneForRecording(trx, userId);
      const deltas = await this.restore.insertPlays(trx, userId, rows, hotStart, zone);
      await this.aggregates.addPlays(trx, userId, deltas);
      return deltas.reduce((sum, d) => sum + d.plays + d.skips, 0);
    });
  }
}
